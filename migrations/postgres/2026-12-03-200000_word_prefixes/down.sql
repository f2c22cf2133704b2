DROP INDEX events_word_prefixes;
DROP INDEX contracts_word_prefixes;
DROP INDEX clients_word_prefixes;
DROP FUNCTION epic_word_prefixes(text);
