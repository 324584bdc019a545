/**
 * `npm run bench`: every benchmark, side by side with the official SDK in the same run.
 * `BENCH=stdio` or `BENCH=http` runs one; `BENCH_QUICK=1` runs short passes. `BENCH=router` runs the
 * router benchmark (50 servers), which the default run leaves out.
 */
import { run as http } from "./http.ts"
import { run as router } from "./router.ts"
import { run as stdio } from "./stdio.ts"

const which = process.env.BENCH
if (which === undefined || which === "stdio") await stdio()
if (which === undefined || which === "http") await http()
if (which === "router") await router()
