import { defineConfig } from "vitest/config"
import { projects } from "./vitest.workspace.ts"

export default defineConfig({
  test: {
    projects,
    setupFiles: ["./vitest.setup.ts"],
    passWithNoTests: true,
    sequence: { concurrent: false },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
