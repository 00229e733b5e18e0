-- ~2,000 req/s with 20 connections: each connection waits 10 ms between requests.
function delay() return 10 end
