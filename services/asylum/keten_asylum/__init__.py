"""keten asylum service: applications for international protection under Reg. (EU) 2024/1348 (APR)."""
