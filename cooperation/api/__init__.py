"""The read-only API under /api/v1/ (Django REST framework), its OpenAPI schema and
documentation; decision 0007 says why it is built so."""
