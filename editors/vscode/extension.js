// The ashlar extension: the language (see package.json and the grammar in
// syntaxes/) and a client of the ashlar language server, `ashlar lsp`, which
// every ashlar binary has. The server analyses the whole plan folder: open
// the folder that holds the plan's .ashlar files.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration("ashlar").get("server.path") || "ashlar";
  // Standard input and output, as `ashlar lsp` speaks; no extra arguments.
  return { command, args: ["lsp"] };
}

async function activate(context) {
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "ashlar" }],
    // Files edited outside the editor, and the lock `ashlar build` writes.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.ashlar,ashlar.lock}") },
  };
  client = new LanguageClient("ashlar", "ashlar", serverOptions(), clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("ashlar.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      client = new LanguageClient("ashlar", "ashlar", serverOptions(), clientOptions);
      await client.start();
    })
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
