"""Assets: plants, units, assets, maintenance contracts"""
