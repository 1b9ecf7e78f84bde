"""Identity and access: users, roles, tokens, JWKS"""
