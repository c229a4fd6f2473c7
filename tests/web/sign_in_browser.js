// Runs the page's signing code (the vendored node-forge and docgen/web/static/sign.js) as a browser
// would: in a context with `window` and Web Crypto but no Node `process` or `module`.
// Usage: node sign_in_browser.js KEY.p12 PASSWORD PAYLOAD > signature.der
// A refused key prints its code (password, key) on stderr and exits with 2.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [keyPath, password, payloadPath] = process.argv.slice(2);
const staticDir = path.join(__dirname, "..", "..", "docgen", "web", "static");
const sandbox = { crypto: require("crypto").webcrypto, console };
sandbox.window = sandbox;
sandbox.self = sandbox;
const context = vm.createContext(sandbox);
for (const file of ["vendor/node-forge/forge.min.js", "sign.js"]) {
  vm.runInContext(fs.readFileSync(path.join(staticDir, file), "utf8"), context, { filename: file });
}
const binary = (file) => fs.readFileSync(file).toString("binary");
try {
  const der = sandbox.docgenSign.signPayload(sandbox.forge, binary(keyPath), password, binary(payloadPath));
  process.stdout.write(Buffer.from(der, "binary"));
} catch (error) {
  if (error && error.name === "SignError") {
    process.stderr.write(error.code + "\n");
    process.exit(2);
  }
  throw error;
}
