"""keten reception service: reception conditions under Dir. (EU) 2024/1346 (RCD)."""
