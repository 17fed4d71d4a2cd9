// kube-traffic-lens: the command-line adapter over the engine. Subcommands: check, graph, lsp.
// Exit codes: 0 no errors, 1 errors found, 2 bad usage or a path (or a file inside one) that cannot be read.
import * as v8 from 'node:v8';
import { runCheck } from './check';
import { runGraph } from './graph';
import { startServer } from '../lsp/server';
import { UsageError } from './options';

const USAGE = `Usage: kube-traffic-lens <command> [options]

Commands:
  check [PATH...]   Report networking problems in the manifests under PATH (default: .)
      --format text|json|sarif   Output format (default: text)
      --config FILE              Settings file (default: .kube-traffic-lens.yaml in the first PATH)
      --cache DIR                Keep parsed files and results in DIR; later runs reuse what is unchanged
      --allow-unreadable         Unreadable files or directories inside PATH are warnings (default: exit 2)
      --helm PATH                The helm binary that renders Helm charts (default: helm on PATH)
      --no-helm                  Do not render Helm charts (they are reported as not analysed)
      --kustomize-renderer builtin|kubectl|kustomize
                                 Render kustomize builds with the engine (default) or the binary (exact)
      --complete                 The PATHs are all that exists (rendered output): judge every selection
                                 and name as a closed world (setting completeWorkspace)
  graph [PATH...]   Print the traffic paths
      --format text|json|mermaid|dot|html   Output format (default: text)
      --cache DIR                As for check
      --allow-unreadable         As for check
      --helm PATH, --no-helm     As for check
      --complete                 As for check
  lsp --stdio       Start the language server (or --node-ipc)

Options:
  -h, --help        Show this help
  -v, --version     Show the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  switch (command) {
    case 'check':
      return runCheck(rest);
    case 'graph':
      return runGraph(rest);
    case 'lsp':
      if (
        !rest.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))
      ) {
        throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
      }
      // A long-lived process that holds every file's reading: let the heap grow by a quarter past
      // what is live at each full collection (V8's default lets it double or more), so that
      // resident memory stays near the live heap. The VS Code client passes the same flag.
      v8.setFlagsFromString(SERVER_HEAP_FLAG);
      startServer();
      return -1; // the server keeps the process alive

    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

const SERVER_HEAP_FLAG = '--heap-growing-percent=25';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

// A reader that stops early (`check --format json | head`) closes the pipe: the report it did not
// read is not an error of ours. Leave quietly with the exit code the analysis set, as a filter would.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit();
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`kube-traffic-lens: ${err.message}\n`);
      if (err.showUsage) process.stderr.write(`Run 'kube-traffic-lens --help' for usage.\n`);
    } else {
      process.stderr.write(`kube-traffic-lens: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    process.exitCode = 2;
  },
);
