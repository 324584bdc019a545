import type { TestProjectInlineConfiguration } from "vitest/config"

/**
 * One vitest project per package (vitest 5 has no workspace files: the root
 * `vitest.config.ts` passes this list as `test.projects`).
 */
const packages: ReadonlyArray<string> = ["core", "effect-mcp", "transport-stdio", "transport-http", "auth"]

export const projects: Array<TestProjectInlineConfiguration> = packages.map((dir) => ({
  extends: true,
  test: {
    name: dir,
    include: [`packages/${dir}/test/**/*.test.ts`],
    exclude: ["**/node_modules/**", "**/build/**", "**/dist/**"]
  }
}))

export default projects
