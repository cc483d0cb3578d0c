// The users page (administrators): create a user and show the one-time password once; reset a
// password, make or unmake an administrator, delete, each through the JSON API, the destructive
// ones after asking. Names are only ever set with textContent, never parsed as HTML.
import { api } from './common.js';
import { confirmIn, copyButton, say, setTime, showTimes } from './ui.js';

const form = document.getElementById('user-form');
const error = document.getElementById('user-error');
const createButton = document.getElementById('user-create');
const secret = document.getElementById('secret');
const secretUser = document.getElementById('secret-user');
const secretPassword = document.getElementById('secret-password');
const secretCopied = document.getElementById('secret-copied');
const rows = document.getElementById('user-rows');
const count = document.getElementById('user-count');
const notice = document.getElementById('user-notice');
const dialog = document.getElementById('confirm-dialog');
const template = document.getElementById('user-row-template');

function refreshCount() {
  count.textContent = String(rows.querySelectorAll('.user-row').length);
}

function showSecret(username, password) {
  secretUser.textContent = username;
  secretPassword.value = password;
  secretCopied.textContent = '';
  secret.hidden = false;
  secret.focus();
}

function showAdmin(row, admin) {
  row.dataset.admin = String(admin);
  const role = row.querySelector('.user-role');
  role.dataset.admin = String(admin);
  role.textContent = admin ? 'Administrator' : 'User';
  row.querySelector('.user-admin').textContent = admin ? 'Remove admin' : 'Make admin';
}

function rowFor(user) {
  const row = template.content.querySelector('.user-row').cloneNode(true);
  row.dataset.id = user.id;
  row.dataset.name = user.username ?? user.name;
  row.querySelector('.user-name').textContent = user.name;
  row.querySelector('.user-username').textContent = user.username ?? '';
  row.querySelector('.user-email').textContent = user.email ? `${user.email} · ` : '';
  showAdmin(row, user.is_admin);
  setTime(row.querySelector('[data-label="Created"]'), user.created_at, '');
  setTime(row.querySelector('[data-label="Last sign-in"]'), user.last_login_at, 'Never');
  return row;
}

async function ask(title, text, action) {
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-button').textContent = action;
  return confirmIn(dialog);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = form.elements.username.value.trim();
  if (!username) {
    say(error, 'Give the new user a user name to sign in with.');
    form.elements.username.focus();
    return;
  }
  say(error, '');
  createButton.disabled = true;
  try {
    const created = await api('POST', '/api/admin/users', { username, is_admin: form.elements.is_admin.checked });
    rows.append(rowFor(created.user));
    refreshCount();
    form.reset();
    showSecret(created.user.username, created.password);
  } catch (e) {
    say(error, e.message);
  } finally {
    createButton.disabled = false;
  }
});

copyButton(document.getElementById('secret-copy'), secretPassword, secretCopied);

document.getElementById('secret-done').addEventListener('click', () => {
  secretPassword.value = '';
  secret.hidden = true;
  form.elements.username.focus();
});

rows.addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) {
    return;
  }
  const row = button.closest('.user-row');
  const { id, name } = row.dataset;
  const self = row.dataset.self === 'true';
  const path = `/api/admin/users/${encodeURIComponent(id)}`;
  say(notice, '');
  try {
    if (button.classList.contains('user-admin')) {
      const admin = row.dataset.admin !== 'true';
      if (!admin && self && !(await ask('Remove your own administrator role?',
        'You will no longer be able to open this page or manage users.', 'Remove my admin role'))) {
        button.focus();
        return;
      }
      const user = await api('PATCH', path, { is_admin: admin });
      showAdmin(row, user.is_admin);
      if (self && !user.is_admin) {
        window.location.assign('/');
      }
    } else if (button.classList.contains('user-reset')) {
      if (!(await ask(`Reset the password of ${name}?`,
        'A new one-time password replaces theirs, and they are signed out everywhere.', 'Reset password'))) {
        button.focus();
        return;
      }
      const answer = await api('POST', `${path}/password`);
      showSecret(name, answer.password);
    } else if (button.classList.contains('user-delete')) {
      if (!(await ask(`Delete ${name}?`,
        'Their notifications, devices and tokens are deleted with them. This cannot be undone.', 'Delete user'))) {
        button.focus();
        return;
      }
      await api('DELETE', path);
      row.remove();
      refreshCount();
      form.elements.username.focus();
    }
  } catch (e) {
    say(notice, e.status === 409 ? `Not done: ${e.message.replace(/^[a-z_]+: /, "")}` : `Could not change ${name}: ${e.message}`);
    button.focus();
  }
});

showTimes(document);
