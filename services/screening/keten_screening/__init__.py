"""keten screening service: screening under Reg. (EU) 2024/1356 (SR) and Eurodac (Reg. (EU) 2024/1358)."""
