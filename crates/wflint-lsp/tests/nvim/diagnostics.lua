-- Drives headless Neovim as a real LSP client of wflint: opens a fixture, waits for the
-- diagnostics Neovim received, applies the server's preferred (else first) code action for the
-- first diagnostic's line, waits for the diagnostics to clear, and writes what it saw as JSON.
-- Inputs (environment): WFLINT_LSP (server binary), FIXTURE (file to open), OUT (JSON result).

local server = assert(os.getenv('WFLINT_LSP'), 'WFLINT_LSP is not set')
local fixture = assert(os.getenv('FIXTURE'), 'FIXTURE is not set')
local out = assert(os.getenv('OUT'), 'OUT is not set')
local result = { steps = {} }

local function finish()
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qa!')
end

local function fail(message)
  result.error = message
  finish()
end

vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
local buffer = vim.api.nvim_get_current_buf()
local config = {
  name = 'wflint',
  cmd = { server },
  root_dir = vim.fn.fnamemodify(fixture, ':p:h'),
}
local client_id
if vim.lsp.start then
  -- Neovim 0.8 and later.
  client_id = vim.lsp.start(config)
else
  -- Neovim 0.7 (Debian 12): the same, spelt out.
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buffer, client_id)
end
if not client_id then
  return fail('the language server did not start')
end
result.client_id = client_id

local function snapshot()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(seen, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    })
  end
  return seen
end

if not vim.wait(20000, function() return #vim.diagnostic.get(buffer) > 0 end, 20) then
  return fail('no diagnostics arrived')
end
table.insert(result.steps, { name = 'opened', diagnostics = snapshot() })

local client = vim.lsp.get_client_by_id(client_id)
result.offset_encoding = client.offset_encoding
local first = vim.diagnostic.get(buffer)[1]
local params = {
  textDocument = vim.lsp.util.make_text_document_params(buffer),
  range = {
    start = { line = first.lnum, character = 0 },
    ['end'] = { line = first.lnum, character = 0 },
  },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buffer, first.lnum) },
}
local responses = vim.lsp.buf_request_sync(buffer, 'textDocument/codeAction', params, 10000)
-- The preferred action (a rule's fix) if there is one, else the first.
local action
for _, response in pairs(responses or {}) do
  for _, candidate in ipairs(response.result or {}) do
    if candidate.isPreferred and not (action and action.isPreferred) then
      action = candidate
    end
    action = action or candidate
  end
end
if not action then
  return fail('no code action offered')
end
result.action_title = action.title
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
result.text_after_action = table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, false), '\n')

if not vim.wait(20000, function() return #vim.diagnostic.get(buffer) == 0 end, 20) then
  return fail('the diagnostics did not clear after the action')
end
table.insert(result.steps, { name = 'after action', diagnostics = snapshot() })
finish()
