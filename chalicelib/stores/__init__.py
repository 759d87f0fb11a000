"""The stores' ports: what services may ask of each kind of data, as Protocols. The PynamoDB
implementations in chalicelib/repositories hold the key shapes; tests/fakes has in-memory ones, and
tests/contract holds both to the same behaviour."""
