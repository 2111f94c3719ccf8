-- Database per service: one database for each service that has one (the gateway has none), created on
-- the first start of the PostgreSQL container (an empty data volume), before the server takes connections
-- over TCP. Each service migrates its own schema at start-up (and would create its database if it were missing).
CREATE DATABASE ftgo_consumer;
CREATE DATABASE ftgo_kitchen;
CREATE DATABASE ftgo_accounting;
CREATE DATABASE ftgo_order;
