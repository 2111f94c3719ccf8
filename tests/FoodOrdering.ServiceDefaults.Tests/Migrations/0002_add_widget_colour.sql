-- A second step, so the tests see order matter: it needs the table of 0001.
ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'blue';
INSERT INTO widgets (id, name) VALUES (1, 'first');
