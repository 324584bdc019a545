import { comparisonTable } from "./compare.ts"
import { renderTable } from "./harness.ts"
import { run as stdio } from "./stdio.ts"
for (const c of await stdio()) console.log(renderTable(comparisonTable(c)))
