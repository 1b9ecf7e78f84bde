"""Billing: bill cycles, bill runs, rating and bills"""
