-- POST /tasks for wrk: a predict task, bearer token from BENCH_TOKEN, no Idempotency-Key (each
-- request is a new task).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.body = os.getenv("BENCH_BODY")
