"""Utility configuration: organization, services, areas, plans and tariffs"""
