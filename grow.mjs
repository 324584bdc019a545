const mods = process.argv.slice(2)
for (const m of mods) await import(m)
// young garbage, like calls: short-lived objects only
let keep
for (let i = 0; i < 2_000_000; i++) keep = { a: i, b: [i, i + 1], c: "x" + i }
const v8 = await import("node:v8")
console.log(mods.join("+").slice(0, 50), "new space", (v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 1048576).toFixed(0), "rss", (process.memoryUsage().rss / 1048576).toFixed(0))
