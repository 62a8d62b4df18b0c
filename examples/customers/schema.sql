-- The customers example's database: people, where they live, what they ordered.
-- psql -d customers -v ON_ERROR_STOP=1 -f schema.sql -f seed.sql

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

-- Order numbers customers see on their receipts: not the row id, and never reused.
CREATE SEQUENCE order_number_seq START WITH 100001;

CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text NOT NULL,
  phone text,
  city text NOT NULL,
  birth_date date,
  last_login_ip inet,
  marketing_opt_in boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE addresses (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('home', 'work')),
  recipient_name text NOT NULL,
  street text NOT NULL,
  postcode varchar(10) NOT NULL,
  city text NOT NULL,
  country char(2) NOT NULL
);
CREATE INDEX addresses_by_user ON addresses (user_id);

CREATE TABLE orders (
  id serial PRIMARY KEY,
  number bigint NOT NULL UNIQUE DEFAULT nextval('order_number_seq'),
  user_id integer NOT NULL REFERENCES users (id),
  shipping_address_id integer REFERENCES addresses (id),
  -- The e-mail address the receipt went to, as it was when the order was placed.
  customer_email text NOT NULL,
  status order_status NOT NULL DEFAULT 'pending',
  total numeric(10, 2) NOT NULL CHECK (total >= 0),
  currency char(3) NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_by_user ON orders (user_id, placed_at DESC);
ALTER SEQUENCE order_number_seq OWNED BY orders.number;
