/**
 * `npm run bench`: every benchmark, side by side with the official SDK in the same run.
 */
import { run as stdio } from "./stdio.ts"

await stdio()
