-- Drives Kube Traffic Lens under Neovim's built-in LSP client (headless): opens a manifest, waits
-- for the server's diagnostics on it, asks for a hover, and writes what arrived as JSON.
-- Arguments come from the environment: KTL_CLI, KTL_ROOT, KTL_FILE, KTL_OUT.
local cli, root, file, out = os.getenv('KTL_CLI'), os.getenv('KTL_ROOT'), os.getenv('KTL_FILE'), os.getenv('KTL_OUT')
local result = { diagnostics = {}, hover = vim.NIL, error = vim.NIL }

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'kube-traffic-lens',
    cmd = { 'node', cli, 'lsp', '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'root' } },
  })
  assert(client_id, 'the client did not start')
  vim.lsp.buf_attach_client(bufnr, client_id)
  vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 100)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { line = d.lnum, col = d.col, message = d.message, source = d.source, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local response = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 13, character = 24 },
  }, 10000, bufnr)
  if response and response.result then result.hover = response.result.contents.value end
  client.stop()
end)
if not ok then result.error = tostring(err) end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
