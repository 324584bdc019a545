import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as McpStdioCommand from "../src/McpStdioCommand.ts"

const linux = { platform: "linux" } as const
const win32 = { platform: "win32" } as const

const words = (line: string, platform: NodeJS.Platform = "linux"): ReadonlyArray<string> => {
  const command = McpStdioCommand.infer(line, { platform })
  return [command.command, ...command.args]
}

describe("McpStdioCommand", () => {
  describe("infer: scripts", () => {
    it("runs .js, .mjs and .cjs with the Node.js that runs this program, not the PATH's node", () => {
      for (const file of ["server.js", "dist/server.mjs", "/abs/server.cjs"]) {
        assert.deepStrictEqual(McpStdioCommand.infer(file, linux), { command: process.execPath, args: [file] })
      }
      assert.notStrictEqual(process.execPath, "node")
    })

    it("uses options.node as the Node.js executable", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("server.js", { ...linux, node: "/opt/node24/bin/node" }), {
        command: "/opt/node24/bin/node",
        args: ["server.js"]
      })
    })

    it("matches extensions case-insensitively", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("SERVER.JS", linux), {
        command: process.execPath,
        args: ["SERVER.JS"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer("Server.PY", linux), { command: "python3", args: ["Server.PY"] })
    })

    it("runs .ts, .mts and .cts with node type stripping by default", () => {
      for (const file of ["server.ts", "server.mts", "server.cts"]) {
        assert.deepStrictEqual(McpStdioCommand.infer(file, linux), {
          command: process.execPath,
          args: ["--experimental-strip-types", file]
        })
      }
      assert.deepStrictEqual(McpStdioCommand.infer("server.ts", { ...linux, typescript: "node", node: "node24" }), {
        command: "node24",
        args: ["--experimental-strip-types", "server.ts"]
      })
    })

    it("runs TypeScript with tsx when asked", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("server.mts", { ...linux, typescript: "tsx" }), {
        command: "tsx",
        args: ["server.mts"]
      })
    })

    it("runs .py with python3 by default, python on Windows, or options.python", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", linux), { command: "python3", args: ["server.py"] })
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", win32), { command: "python", args: ["server.py"] })
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, python: "/usr/bin/python3.11" }), {
        command: "/usr/bin/python3.11",
        args: ["server.py"]
      })
    })

    it("runs .py with uv run", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, python: "uv" }), {
        command: "uv",
        args: ["run", "server.py"]
      })
    })

    it("passes --project and one --with per package to uv, which they imply", () => {
      const expected = {
        command: "uv",
        args: ["run", "--project", "./srv", "--with", "httpx", "--with", "pydantic>=2", "server.py", "--verbose"]
      }
      const options = { uvProject: "./srv", withPackages: ["httpx", "pydantic>=2"], args: ["--verbose"] }
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, python: "uv", ...options }), expected)
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, ...options }), expected)
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, uvProject: "." }), {
        command: "uv",
        args: ["run", "--project", ".", "server.py"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer("server.py", { ...linux, withPackages: [] }), {
        command: "python3",
        args: ["server.py"]
      })
    })

    it("hands an explicit interpreter to uv with --python", () => {
      assert.deepStrictEqual(
        McpStdioCommand.infer("server.py", { ...linux, python: "3.12", withPackages: ["httpx"] }),
        { command: "uv", args: ["run", "--python", "3.12", "--with", "httpx", "server.py"] }
      )
    })

    it("keeps script arguments of the source before options.args", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("server.py --port 3 'a b'", { ...linux, args: ["--x"] }), {
        command: "python3",
        args: ["server.py", "--port", "3", "a b", "--x"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer(["/my servers/server.js", "--a"], { ...linux, args: ["--b"] }), {
        command: process.execPath,
        args: ["/my servers/server.js", "--a", "--b"]
      })
    })
  })

  describe("infer: command lines", () => {
    it("splits npx, uvx and docker command lines", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("npx -y @modelcontextprotocol/server-everything", linux), {
        command: "npx",
        args: ["-y", "@modelcontextprotocol/server-everything"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer("uvx mcp-server-fetch --flag", linux), {
        command: "uvx",
        args: ["mcp-server-fetch", "--flag"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer("  docker run -i\t--rm img  ", linux), {
        command: "docker",
        args: ["run", "-i", "--rm", "img"]
      })
    })

    it("takes the first word of anything else as the command and appends options.args", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("./bin/my-server --stdio", { ...linux, args: ["--debug"] }), {
        command: "./bin/my-server",
        args: ["--stdio", "--debug"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer("my-server", linux), { command: "my-server", args: [] })
      assert.deepStrictEqual(McpStdioCommand.infer("node server.js", linux), { command: "node", args: ["server.js"] })
    })

    it("takes an array as already split", () => {
      assert.deepStrictEqual(McpStdioCommand.infer(["docker", "run", "-i", "a b", "'q'"], linux), {
        command: "docker",
        args: ["run", "-i", "a b", "'q'"]
      })
    })

    it("gives an empty command for an empty source", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("", linux), { command: "", args: [] })
      assert.deepStrictEqual(McpStdioCommand.infer("   ", linux), { command: "", args: [] })
      assert.deepStrictEqual(McpStdioCommand.infer([], { ...linux, args: ["x"] }), { command: "", args: ["x"] })
    })

    it("quotes like a shell", () => {
      assert.deepStrictEqual(words("cmd 'a b'"), ["cmd", "a b"])
      assert.deepStrictEqual(words(`cmd "a \\"q\\" b"`), ["cmd", `a "q" b`])
      assert.deepStrictEqual(words("cmd a\\ b"), ["cmd", "a b"])
      assert.deepStrictEqual(words(`cmd "" x ''`), ["cmd", "", "x", ""])
      assert.deepStrictEqual(words(`cmd a"b c"'d e'f`), ["cmd", "ab cd ef"])
      assert.deepStrictEqual(words(`cmd 'it'\\''s'`), ["cmd", "it's"])
      assert.deepStrictEqual(words(`cmd 'a\\b "c"'`), ["cmd", `a\\b "c"`])
      assert.deepStrictEqual(words(`cmd "a\\b \\\\ \\$ \\\` 'c'"`), ["cmd", "a\\b \\ $ ` 'c'"])
      assert.deepStrictEqual(words("cmd \\'x\\\""), ["cmd", `'x"`])
    })

    it("does no expansion", () => {
      assert.deepStrictEqual(words("cmd $HOME ~ *.js $(id) a|b;c"), ["cmd", "$HOME", "~", "*.js", "$(id)", "a|b;c"])
    })

    it("handles line continuations, trailing backslashes and unterminated quotes leniently", () => {
      assert.deepStrictEqual(words("cmd a \\\n b"), ["cmd", "a", "b"])
      assert.deepStrictEqual(words("cmd \"a\\\nb\""), ["cmd", "ab"])
      assert.deepStrictEqual(words("cmd a\\"), ["cmd", "a\\"])
      assert.deepStrictEqual(words("cmd 'a b"), ["cmd", "a b"])
      assert.deepStrictEqual(words("cmd \"a b"), ["cmd", "a b"])
    })

    it("keeps Windows backslashes literal unless they precede a double quote", () => {
      assert.deepStrictEqual(words("C:\\srv\\server.exe --root \\\\host\\share", "win32"), [
        "C:\\srv\\server.exe",
        "--root",
        "\\\\host\\share"
      ])
      assert.deepStrictEqual(words(`cmd "C:\\My Dir\\\\" "say \\"hi\\"" a\\ b`, "win32"), [
        "cmd",
        "C:\\My Dir\\",
        `say "hi"`,
        "a\\",
        "b"
      ])
      assert.deepStrictEqual(words(`cmd 'a b' ""`, "win32"), ["cmd", "a b", ""])
      assert.deepStrictEqual(McpStdioCommand.infer("C:\\srv\\server.py", win32), {
        command: "python",
        args: ["C:\\srv\\server.py"]
      })
    })
  })

  describe("infer: Windows shims", () => {
    it("uses npx.cmd, npm.cmd and tsx.cmd on win32", () => {
      assert.deepStrictEqual(McpStdioCommand.infer("npx -y @modelcontextprotocol/server-everything", win32), {
        command: "npx.cmd",
        args: ["-y", "@modelcontextprotocol/server-everything"]
      })
      assert.deepStrictEqual(McpStdioCommand.infer(["npm", "exec", "srv"], win32).command, "npm.cmd")
      assert.deepStrictEqual(McpStdioCommand.infer("NPX srv", win32).command, "NPX.cmd")
      assert.deepStrictEqual(McpStdioCommand.infer("server.ts", { ...win32, typescript: "tsx" }), {
        command: "tsx.cmd",
        args: ["server.ts"]
      })
    })

    it("leaves uvx (an .exe), explicit extensions, paths and other platforms alone", () => {
      assert.strictEqual(McpStdioCommand.infer("uvx mcp-server-fetch", win32).command, "uvx")
      assert.strictEqual(McpStdioCommand.infer("npx.cmd srv", win32).command, "npx.cmd")
      assert.strictEqual(McpStdioCommand.infer("C:\\node\\npx srv", win32).command, "C:\\node\\npx")
      assert.strictEqual(McpStdioCommand.infer("npx srv", linux).command, "npx")
      assert.strictEqual(McpStdioCommand.infer("npx srv", { platform: "darwin" }).command, "npx")
    })

    it("requires a shell for .cmd and .bat on win32 only", () => {
      assert.isTrue(McpStdioCommand.requiresShell(McpStdioCommand.infer("npx srv", win32), "win32"))
      assert.isTrue(McpStdioCommand.requiresShell({ command: "C:\\tools\\run.BAT", args: [] }, "win32"))
      assert.isFalse(McpStdioCommand.requiresShell({ command: "uvx", args: [] }, "win32"))
      assert.isFalse(McpStdioCommand.requiresShell({ command: "npx.cmd", args: [] }, "linux"))
    })
  })

  describe("buildEnv", () => {
    const parent = {
      PATH: "/usr/bin",
      HOME: "/home/me",
      USER: "me",
      LOGNAME: "me",
      SHELL: "/bin/zsh",
      TERM: "xterm",
      LANG: "en_US.UTF-8",
      LANGUAGE: "en",
      LC_ALL: "C",
      LC_CTYPE: "UTF-8",
      LC_TIME: "en_GB",
      TZ: "UTC",
      TMPDIR: "/tmp",
      __CF_USER_TEXT_ENCODING: "0x1F5:0x0:0x0",
      NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
      SSL_CERT_FILE: "/etc/ssl/cert.pem",
      SSL_CERT_DIR: "/etc/ssl/certs",
      HTTPS_PROXY: "http://proxy:3128",
      https_proxy: "http://proxy:3128",
      no_proxy: "localhost",
      OPENAI_API_KEY: "sk-secret",
      GITHUB_TOKEN: "ghp_secret",
      AWS_SECRET_ACCESS_KEY: "aws-secret",
      NODE_OPTIONS: "--require evil.js",
      LCX: "not a locale",
      UNSET: undefined
    }

    it("passes only the safe allowlist by default", () => {
      const env = McpStdioCommand.buildEnv(parent, linux)
      assert.deepStrictEqual(env, {
        PATH: "/usr/bin",
        HOME: "/home/me",
        USER: "me",
        LOGNAME: "me",
        SHELL: "/bin/zsh",
        TERM: "xterm",
        LANG: "en_US.UTF-8",
        LANGUAGE: "en",
        LC_ALL: "C",
        LC_CTYPE: "UTF-8",
        LC_TIME: "en_GB",
        TZ: "UTC",
        TMPDIR: "/tmp",
        __CF_USER_TEXT_ENCODING: "0x1F5:0x0:0x0",
        NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
        SSL_CERT_FILE: "/etc/ssl/cert.pem",
        SSL_CERT_DIR: "/etc/ssl/certs",
        HTTPS_PROXY: "http://proxy:3128",
        https_proxy: "http://proxy:3128",
        no_proxy: "localhost"
      })
      assert.deepStrictEqual(McpStdioCommand.buildEnv(parent, { platform: "linux", inherit: "safe" }), env)
    })

    it("does not pass secrets by default", () => {
      const env = McpStdioCommand.buildEnv(parent, linux)
      for (const name of ["OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "NODE_OPTIONS", "LCX"]) {
        assert.isFalse(Object.hasOwn(env, name), name)
      }
    })

    it("passes everything with inherit \"all\", dropping undefined values", () => {
      const env = McpStdioCommand.buildEnv(parent, { platform: "linux", inherit: "all" })
      assert.strictEqual(env.OPENAI_API_KEY, "sk-secret")
      assert.strictEqual(env.GITHUB_TOKEN, "ghp_secret")
      assert.strictEqual(env.PATH, "/usr/bin")
      assert.isFalse(Object.hasOwn(env, "UNSET"))
      assert.strictEqual(Object.keys(env).length, Object.keys(parent).length - 1)
    })

    it("adds the names (and prefixes) of an inherit array to the allowlist", () => {
      const env = McpStdioCommand.buildEnv(parent, { platform: "linux", inherit: ["GITHUB_TOKEN", "AWS_*"] })
      assert.strictEqual(env.GITHUB_TOKEN, "ghp_secret")
      assert.strictEqual(env.AWS_SECRET_ACCESS_KEY, "aws-secret")
      assert.strictEqual(env.PATH, "/usr/bin")
      assert.isFalse(Object.hasOwn(env, "OPENAI_API_KEY"))
      assert.deepStrictEqual(
        McpStdioCommand.buildEnv(parent, { platform: "linux", inherit: [] }),
        McpStdioCommand.buildEnv(parent, linux)
      )
    })

    it("lets explicit env win over inherited values", () => {
      const env = McpStdioCommand.buildEnv(parent, {
        platform: "linux",
        inherit: "all",
        env: { PATH: "/opt/bin", GITHUB_TOKEN: "ghp_scoped", DEBUG: "1" }
      })
      assert.strictEqual(env.PATH, "/opt/bin")
      assert.strictEqual(env.GITHUB_TOKEN, "ghp_scoped")
      assert.strictEqual(env.DEBUG, "1")
      assert.deepStrictEqual(
        McpStdioCommand.buildEnv({ PATH: "/usr/bin", OPENAI_API_KEY: "sk" }, { platform: "linux", env: { X: "y" } }),
        { PATH: "/usr/bin", X: "y" }
      )
    })

    it("matches case-sensitively outside Windows", () => {
      const env = McpStdioCommand.buildEnv({ Path: "/usr/bin", SystemRoot: "C:\\Windows", lc_all: "C" }, linux)
      assert.deepStrictEqual(env, {})
      assert.deepStrictEqual(
        McpStdioCommand.buildEnv({ PATH: "/usr/bin" }, { platform: "linux", env: { path: "/x" } }),
        { PATH: "/usr/bin", path: "/x" }
      )
    })

    it("matches Windows names case-insensitively on win32, keeping the parent's spelling", () => {
      const windowsParent = {
        Path: "C:\\Windows;C:\\node",
        SystemRoot: "C:\\Windows",
        SystemDrive: "C:",
        windir: "C:\\Windows",
        ComSpec: "C:\\Windows\\system32\\cmd.exe",
        PATHEXT: ".COM;.EXE;.BAT;.CMD",
        APPDATA: "C:\\Users\\me\\AppData\\Roaming",
        LOCALAPPDATA: "C:\\Users\\me\\AppData\\Local",
        ProgramData: "C:\\ProgramData",
        ProgramFiles: "C:\\Program Files",
        "ProgramFiles(x86)": "C:\\Program Files (x86)",
        USERPROFILE: "C:\\Users\\me",
        HOMEDRIVE: "C:",
        HOMEPATH: "\\Users\\me",
        USERNAME: "me",
        PROCESSOR_ARCHITECTURE: "AMD64",
        NUMBER_OF_PROCESSORS: "8",
        OS: "Windows_NT",
        Temp: "C:\\Temp",
        Tmp: "C:\\Temp",
        Lc_Messages: "C",
        GitHub_Token: "ghp_secret",
        OpenAI_Api_Key: "sk-secret"
      }
      const { GitHub_Token: _token, OpenAI_Api_Key: _key, ...expected } = windowsParent
      assert.deepStrictEqual(McpStdioCommand.buildEnv(windowsParent, win32), expected)
      assert.strictEqual(
        McpStdioCommand.buildEnv(windowsParent, { platform: "win32", inherit: ["github_token"] }).GitHub_Token,
        "ghp_secret"
      )
    })

    it("replaces an inherited variable of another spelling on win32", () => {
      const env = McpStdioCommand.buildEnv({ Path: "C:\\Windows", TEMP: "C:\\Temp" }, {
        platform: "win32",
        env: { PATH: "C:\\node", temp: "D:\\Temp" }
      })
      assert.deepStrictEqual(env, { PATH: "C:\\node", temp: "D:\\Temp" })
    })

    it("defines __proto__ as an own variable", () => {
      const parent = JSON.parse(`{"__proto__": "x", "PATH": "/usr/bin"}`) as Record<string, string>
      const env = McpStdioCommand.buildEnv(parent, { platform: "linux", inherit: "all" })
      assert.strictEqual(Object.getPrototypeOf(env), Object.prototype)
      assert.isTrue(Object.hasOwn(env, "__proto__"))
    })

    it("lists the documented allowlist", () => {
      for (
        const name of [
          "PATH",
          "LC_*",
          "SYSTEMROOT",
          "PROGRAMFILES(X86)",
          "__CF_USER_TEXT_ENCODING",
          "NODE_EXTRA_CA_CERTS",
          "HTTP_PROXY",
          "http_proxy",
          "NO_PROXY",
          "no_proxy"
        ]
      ) {
        assert.include(McpStdioCommand.DEFAULT_INHERITED_ENV, name)
      }
    })
  })

  describe("describe", () => {
    it("renders a command line, quoting words with spaces and special characters", () => {
      assert.strictEqual(
        McpStdioCommand.describe({ command: "npx", args: ["-y", "@modelcontextprotocol/server-everything"] }),
        "npx -y @modelcontextprotocol/server-everything"
      )
      assert.strictEqual(
        McpStdioCommand.describe({ command: "/my tools/python3", args: ["a b", "", "it's", "C:\\x", "k=v,w"] }),
        `'/my tools/python3' 'a b' '' 'it'\\''s' 'C:\\x' k=v,w`
      )
      assert.strictEqual(McpStdioCommand.describe({ command: "node", args: [] }), "node")
    })

    it.prop(
      "splits back into the same words",
      { args: Schema.Array(Schema.String) },
      ({ args }) => {
        const command = { command: "my-server", args }
        assert.deepStrictEqual(McpStdioCommand.infer(McpStdioCommand.describe(command), linux), command)
      }
    )
  })
})
