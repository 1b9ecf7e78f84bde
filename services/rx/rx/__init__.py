"""Revenue and collections: ledger, payments, aging, dunning"""
