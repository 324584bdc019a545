/**
 * The stdio benchmark's server: the official SDK's low-level `Server` over stdio with the benchmark
 * tools (`add` and `echo`, see `tools.ts`).
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { makeServer } from "./tools.ts"

void makeServer("bench-server").connect(new StdioServerTransport())
