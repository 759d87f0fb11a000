// Fills and submits forms with ODK's own XForms engine (@getodk/xforms-engine, the engine of ODK Web
// Forms), against a running OpenRosa server, as a browser client would.
//
//   node fill.mjs <plan.json>
//
// plan: {"server": "<server_url>", "forms": {"<formID>": {"values": {...}, "violate": {...}}}}
// For each form the server lists: download it, check its md5, load it in the engine, fill `violate`
// first and record the constraint violations the engine reports, then fill `values`, ask the engine
// for its submission payload and POST it to the server's submission URL. Prints one JSON document.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { JSDOM } from 'jsdom';

// 1. The DOM the engine expects of a browser.
const { window } = new JSDOM('<!DOCTYPE html><html><body></body></html>');
for (const name of ['DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XPathResult', 'document',
  'NodeFilter', 'Attr', 'CharacterData', 'Text']) {
  globalThis[name] = window[name];
}
// 2. Load undici (fetch) before Node is hidden from emscripten.
await fetch('data:,x');
// 3. Its tree-sitter WASM must take the browser path (an inlined data: URL, fetched).
Object.defineProperty(process, 'versions', { value: { ...process.versions, node: undefined } });
const { createInstance } = await import('@getodk/xforms-engine');

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = plan.server.replace(/\/$/, '');
const openrosa = { 'X-OpenRosa-Version': '1.0' };

function leaves(node, out = new Map()) {
  for (const child of node.currentState.children ?? []) {
    if (child.currentState.children) leaves(child, out);
    else out.set(child.definition.nodeset.split('/').pop(), child);
  }
  return out;
}

function fill(fields, values) {
  for (const [name, value] of Object.entries(values)) {
    const node = fields.get(name);
    if (!node) throw new Error(`no field ${name}`);
    if (node.nodeType === 'select') node.selectValue(String(value));
    else if (node.valueType === 'int') node.setValue(Number(value));
    else if (node.valueType === 'date') node.setValue(String(value));
    else node.setValue(String(value));
  }
}

function violations(root) {
  return root.validationState.violations.map((v) => ({
    field: v.reference.split('/').pop(),
    condition: v.violation.condition,
    message: v.violation.message?.asString ?? null,
  }));
}

const listing = await fetch(`${server}/formList`, { headers: openrosa });
const listXml = await listing.text();
const list = new window.DOMParser().parseFromString(listXml, 'text/xml');
const result = { formList: { status: listing.status, headers: Object.fromEntries(listing.headers) }, forms: {} };
for (const entry of list.getElementsByTagName('xform')) {
  const text = (tag) => entry.getElementsByTagName(tag)[0]?.textContent ?? null;
  const formId = text('formID');
  const download = await fetch(text('downloadUrl'), { headers: openrosa });
  const xml = await download.text();
  const md5 = 'md5:' + createHash('md5').update(xml, 'utf8').digest('hex');
  const report = { version: text('version'), hashMatches: md5 === text('hash'), downloadStatus: download.status };
  result.forms[formId] = report;
  const todo = plan.forms[formId];
  if (!todo) continue;
  const { root } = await createInstance(xml, {});
  const fields = leaves(root);
  report.fields = Object.fromEntries([...fields].map(([name, node]) => [name, node.nodeType]));
  if (todo.violate) {
    fill(fields, todo.violate);
    report.violations = violations(root);
    const refused = await root.prepareInstancePayload();
    report.payloadWhileViolated = refused.status;
  }
  fill(fields, todo.values);
  report.violationsAfterFill = violations(root);
  const payload = await root.prepareInstancePayload();
  report.payloadStatus = payload.status;
  if (payload.status !== 'ready') continue;
  const data = payload.data[0];
  const instanceXml = await data.get('xml_submission_file').text();
  report.instanceID = /<instanceID>uuid:([^<]+)<\/instanceID>/.exec(instanceXml)?.[1] ?? null;
  report.instanceXml = instanceXml;
  const head = await fetch(`${server}/submission`, { method: 'HEAD', headers: openrosa });
  report.head = { status: head.status, acceptLength: head.headers.get('x-openrosa-accept-content-length') };
  const posted = await fetch(`${server}/submission`, { method: 'POST', headers: openrosa, body: data });
  report.submit = { status: posted.status, body: await posted.text(), contentType: posted.headers.get('content-type') };
}
process.stdout.write(JSON.stringify(result, null, 1));
