// Entry point of the bundled language server (dist/server.js), launched by the VS Code client over
// node IPC or by any editor with --stdio.
import { startServer } from './server';

startServer();
