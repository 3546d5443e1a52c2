"""keten return service: return decisions (Dir. 2008/115/EC) and the return border procedure (Reg. (EU) 2024/1349)."""
