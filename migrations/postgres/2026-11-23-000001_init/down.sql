DROP TABLE notifications;
DROP TABLE audit_entries;
DROP TABLE events;
DROP TABLE payments;
DROP TABLE contracts;
DROP TABLE clients;
DROP TABLE collaborators;
