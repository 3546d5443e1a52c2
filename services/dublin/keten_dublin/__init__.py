"""keten dublin service: the member state responsible under Reg. (EU) 2024/1351 (AMMR)."""
