"""Meter data: meters, read cycles, readings and validation"""
