"""render/markdown"""
