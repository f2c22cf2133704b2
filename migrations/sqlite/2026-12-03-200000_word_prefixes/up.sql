-- Terms of one or two characters match the start of a word (a run of letters and
-- digits of the folded `search` column): an FTS5 index of those words with prefix
-- indexes for their first one and two characters. Kept in step with the tables by
-- triggers, like the trigram indexes.

CREATE VIRTUAL TABLE clients_words USING fts5(search, content='clients', content_rowid='id',
  tokenize='unicode61', prefix='1 2', detail=none);
CREATE TRIGGER clients_words_ai AFTER INSERT ON clients BEGIN
  INSERT INTO clients_words(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER clients_words_ad AFTER DELETE ON clients BEGIN
  INSERT INTO clients_words(clients_words, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER clients_words_au AFTER UPDATE OF search ON clients BEGIN
  INSERT INTO clients_words(clients_words, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO clients_words(rowid, search) VALUES (new.id, new.search);
END;
INSERT INTO clients_words(clients_words) VALUES ('rebuild');

CREATE VIRTUAL TABLE contracts_words USING fts5(search, content='contracts', content_rowid='id',
  tokenize='unicode61', prefix='1 2', detail=none);
CREATE TRIGGER contracts_words_ai AFTER INSERT ON contracts BEGIN
  INSERT INTO contracts_words(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER contracts_words_ad AFTER DELETE ON contracts BEGIN
  INSERT INTO contracts_words(contracts_words, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER contracts_words_au AFTER UPDATE OF search ON contracts BEGIN
  INSERT INTO contracts_words(contracts_words, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO contracts_words(rowid, search) VALUES (new.id, new.search);
END;
INSERT INTO contracts_words(contracts_words) VALUES ('rebuild');

CREATE VIRTUAL TABLE events_words USING fts5(search, content='events', content_rowid='id',
  tokenize='unicode61', prefix='1 2', detail=none);
CREATE TRIGGER events_words_ai AFTER INSERT ON events BEGIN
  INSERT INTO events_words(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER events_words_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_words(events_words, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER events_words_au AFTER UPDATE OF search ON events BEGIN
  INSERT INTO events_words(events_words, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO events_words(rowid, search) VALUES (new.id, new.search);
END;
INSERT INTO events_words(events_words) VALUES ('rebuild');
