-- Terms of one or two characters match the start of a word (a run of letters and
-- digits of the folded, lower-case ASCII `search` column). Each row's word prefixes
-- (the first one and two characters of every word) are indexed with GIN; a short
-- term is `epic_word_prefixes(search) @> ARRAY[term]`, the indexed expression.
CREATE FUNCTION epic_word_prefixes(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT p), '{}'::text[]) FROM (
    SELECT left(w, 1) AS p FROM regexp_split_to_table(s, '[^a-z0-9]+') AS w WHERE w <> ''
    UNION ALL
    SELECT left(w, 2) FROM regexp_split_to_table(s, '[^a-z0-9]+') AS w WHERE length(w) >= 2
  ) AS prefixes
$$;

CREATE INDEX clients_word_prefixes ON clients USING gin (epic_word_prefixes(search));
CREATE INDEX contracts_word_prefixes ON contracts USING gin (epic_word_prefixes(search));
CREATE INDEX events_word_prefixes ON events USING gin (epic_word_prefixes(search));
