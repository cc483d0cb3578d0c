// The tokens page: create a token through the JSON API and show its plaintext and QR code once;
// revoke one after asking. Names are only ever set with textContent, never parsed as HTML.
import { api } from './common.js';
import { confirmIn, copyButton, say, setTime, showTimes } from './ui.js';

const form = document.getElementById('token-form');
const error = document.getElementById('token-error');
const createButton = document.getElementById('token-create');
const issued = document.getElementById('issued');
const issuedTitle = document.getElementById('issued-title');
const issuedToken = document.getElementById('issued-token');
const issuedCopied = document.getElementById('issued-copied');
const qr = document.getElementById('issued-qr');
const qrFigure = document.getElementById('issued-qr-figure');
const rows = document.getElementById('token-rows');
const table = document.getElementById('tokens');
const empty = document.getElementById('tokens-empty');
const count = document.getElementById('token-count');
const notice = document.getElementById('token-notice');
const dialog = document.getElementById('revoke-dialog');
const template = document.getElementById('token-row-template');

const DEVICE_LABEL = { android: 'Android', gnome: 'GNOME', browser: 'Browser', script: 'Script', other: 'Other' };

function refreshCount() {
  const n = rows.querySelectorAll('.token-row').length;
  count.textContent = String(n);
  table.hidden = n === 0;
  empty.hidden = n !== 0;
}

function rowFor(token) {
  const row = template.content.querySelector('.token-row').cloneNode(true);
  row.dataset.id = token.id;
  row.dataset.name = token.name;
  row.querySelector('.token-name').textContent = token.name;
  row.querySelector('.token-revoke .visually-hidden').textContent = ` ${token.name}`;
  row.querySelector('.token-device').textContent = DEVICE_LABEL[token.device_type] ?? 'Other';
  const scopes = row.querySelector('.token-scopes');
  scopes.textContent = '';
  for (const scope of token.scopes) {
    const chip = document.createElement('span');
    chip.className = 'chip chip-scope';
    chip.textContent = scope;
    scopes.append(chip, ' ');
  }
  setTime(row.querySelector('[data-label="Last used"]'), token.last_used_at, 'Never');
  setTime(row.querySelector('[data-label="Created"]'), token.created_at, '');
  setTime(row.querySelector('[data-label="Expires"]'), token.expires_at, 'Never');
  return row;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.elements.name.value.trim();
  const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((c) => c.value);
  if (!name) {
    say(error, 'Give the token a name, so you know later what uses it.');
    form.elements.name.focus();
    return;
  }
  if (scopes.length === 0) {
    say(error, 'Choose at least one scope.');
    return;
  }
  const body = { name, device_type: form.elements.device_type.value, scopes };
  if (form.elements.expiry.value) {
    body.expires_in_days = Number(form.elements.expiry.value);
  }
  say(error, '');
  createButton.disabled = true;
  try {
    const token = await api('POST', '/api/tokens/', body);
    issuedTitle.textContent = `Token “${token.name}” created`;
    issuedToken.value = token.token;
    issuedCopied.textContent = '';
    qrFigure.hidden = false;
    qr.onerror = () => { qrFigure.hidden = true; };
    qr.src = token.qr;
    issued.hidden = false;
    issued.focus();
    rows.prepend(rowFor(token));
    refreshCount();
    form.reset();
  } catch (e) {
    say(error, e.message);
  } finally {
    createButton.disabled = false;
  }
});

copyButton(document.getElementById('issued-copy'), issuedToken, issuedCopied);

document.getElementById('issued-done').addEventListener('click', () => {
  // The plaintext leaves the page: nothing keeps it once the person has it.
  issuedToken.value = '';
  qr.removeAttribute('src');
  issued.hidden = true;
  form.elements.name.focus();
});

rows.addEventListener('click', async (event) => {
  const button = event.target.closest('.token-revoke');
  if (!button) {
    return;
  }
  const row = button.closest('.token-row');
  document.getElementById('revoke-name').textContent = row.dataset.name;
  if (!(await confirmIn(dialog))) {
    button.focus();
    return;
  }
  say(notice, '');
  try {
    await api('DELETE', `/api/tokens/${encodeURIComponent(row.dataset.id)}`);
    row.remove();
  } catch (e) {
    if (e.status === 404) {
      row.remove(); // already revoked elsewhere
    } else {
      say(notice, `Could not revoke “${row.dataset.name}”: ${e.message}`);
      button.focus();
      return;
    }
  }
  refreshCount();
  form.elements.name.focus();
});

showTimes(document);
