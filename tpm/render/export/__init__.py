"""render/export"""
