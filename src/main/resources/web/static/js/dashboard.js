// The dashboard and the single-notification page: live updates from the stream, the actions
// (read/unread, archive, delete) through the JSON API, times in the reader's own zone.
// Text from notifications is only ever set with textContent, never parsed as HTML.
import { api, refreshUnread } from './common.js';

const list = document.getElementById('notes');
const empty = document.getElementById('empty');
const notice = document.getElementById('notice');
const live = document.getElementById('live');
const template = document.getElementById('note-template');
const single = list?.dataset.single === 'true';
const filters = {
  status: list?.dataset.status ?? 'inbox',
  priority: list?.dataset.priority ?? '',
  source: list?.dataset.source ?? '',
  offset: Number(list?.dataset.offset ?? 0),
};

const PRIORITY = {
  low: { label: 'Low', icon: '▽' },
  medium: { label: 'Medium', icon: '◆' },
  high: { label: 'High', icon: '▲' },
  critical: { label: 'Critical', icon: '‼' },
};
const STATUS_LABEL = { unread: 'Unread', read: 'Read', archived: 'Archived' };

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function showTime(el) {
  const iso = el.getAttribute('datetime');
  if (!iso) {
    return;
  }
  const at = new Date(iso);
  el.title = absolute.format(at);
  const minutes = Math.round((at.getTime() - Date.now()) / 60000);
  if (el.classList.contains('note-time') && Math.abs(minutes) < 60 * 24) {
    el.textContent = Math.abs(minutes) < 1 ? 'just now' : Math.abs(minutes) < 60
      ? relative.format(minutes, 'minute') : relative.format(Math.round(minutes / 60), 'hour');
  } else {
    el.textContent = absolute.format(at);
  }
}

function showTimes(root) {
  root.querySelectorAll('time[datetime]').forEach(showTime);
}

function say(message) {
  if (!notice) {
    return;
  }
  notice.textContent = message;
  notice.hidden = !message;
}

function setLive(state, text) {
  if (!live) {
    return;
  }
  live.dataset.state = state;
  live.querySelector('.live-text').textContent = text;
}

function updateEmpty() {
  if (empty && list) {
    empty.hidden = list.querySelector('.note') !== null;
  }
}

const item = (id) => list?.querySelector(`.note[data-id="${CSS.escape(id)}"]`);

/** Whether a notification in this state belongs in the list as filtered. */
function belongs(status, priority, source) {
  if (single) {
    return true;
  }
  const statusOk = filters.status === 'all' || (filters.status === 'inbox' ? status !== 'archived' : status === filters.status);
  return statusOk && (!filters.priority || filters.priority === priority) && (!filters.source || filters.source === source);
}

function setFact(li, row, cell, value, attr) {
  const r = row ? li.querySelector(row) : null;
  const c = li.querySelector(cell);
  if (r) {
    r.hidden = !value;
  }
  if (attr) {
    c.setAttribute(attr, value ?? '');
    if (attr === 'datetime') {
      showTime(c);
    }
  } else {
    c.textContent = value ?? '';
  }
}

function applyStatus(li, status, readAt) {
  li.dataset.status = status;
  li.querySelector('.note-state').textContent = STATUS_LABEL[status] ?? status;
  li.querySelector('.fact-status').textContent = status;
  li.querySelector('[data-action="toggle-read"]').textContent = status === 'unread' ? 'Mark read' : 'Mark unread';
  li.querySelector('[data-action="archive"]').hidden = status === 'archived';
  const read = li.querySelector('.fact-read');
  li.querySelector('.fact-read-row').hidden = !readAt;
  read.setAttribute('datetime', readAt ?? '');
  read.textContent = '';
  if (readAt) {
    showTime(read);
  }
}

/** A new list item from the page's template, filled from the API's JSON. */
function render(n) {
  const li = template.content.querySelector('.note').cloneNode(true);
  const p = PRIORITY[n.priority] ?? PRIORITY.medium;
  li.dataset.id = n.id;
  li.dataset.priority = n.priority;
  li.dataset.source = n.source ?? '';
  li.className = `note prio-${n.priority} arrived`;
  li.querySelector('.prio-icon').textContent = p.icon;
  li.querySelector('.prio-label').textContent = p.label;
  li.querySelector('.fact-priority').textContent = p.label;
  li.querySelector('.note-title').textContent = n.title;
  const source = li.querySelector('.note-source');
  source.textContent = n.source ?? '';
  source.hidden = !n.source;
  const preview = li.querySelector('.note-preview');
  preview.textContent = n.message ?? '';
  preview.hidden = !n.message;
  const message = li.querySelector('.note-message');
  message.textContent = n.message ?? '';
  message.hidden = !n.message;
  const time = li.querySelector('.note-time');
  time.setAttribute('datetime', n.created_at);
  showTime(time);
  setFact(li, '.fact-source-row', '.fact-source', n.source);
  setFact(li, null, '.fact-created', n.created_at, 'datetime');
  setFact(li, '.fact-tag-row', '.fact-tag', n.tag);
  const link = li.querySelector('.fact-url');
  li.querySelector('.fact-url-row').hidden = !n.url;
  link.textContent = n.url ?? '';
  if (n.url) {
    link.href = n.url; // the API accepts only http(s) URLs and site paths
  }
  const meta = n.metadata ? JSON.stringify(n.metadata, null, 2) : '';
  setFact(li, '.fact-meta-row', '.fact-meta', meta);
  li.querySelector('.note-permalink').href = `/notifications/${encodeURIComponent(n.id)}`;
  applyStatus(li, n.status, n.read_at);
  return li;
}

function onCreated(n) {
  if (single || filters.offset > 0 || item(n.id) || !belongs(n.status, n.priority, n.source ?? '')) {
    return; // another page's business, or already shown (a replay after reconnecting)
  }
  list.prepend(render(n));
  updateEmpty();
}

function onStatus(change) {
  const li = item(change.id);
  if (!li) {
    return;
  }
  if (!belongs(change.status, li.dataset.priority, li.dataset.source)) {
    li.remove();
    updateEmpty();
    return;
  }
  applyStatus(li, change.status, change.read_at);
}

function onDeleted(id) {
  item(id)?.remove();
  updateEmpty();
}

async function act(button) {
  const li = button.closest('.note');
  const id = li.dataset.id;
  const path = `/api/notifications/${encodeURIComponent(id)}`;
  button.disabled = true;
  say('');
  try {
    switch (button.dataset.action) {
      case 'toggle-read': {
        const n = await api('PATCH', path, { status: li.dataset.status === 'unread' ? 'read' : 'unread' });
        onStatus({ id, status: n.status, read_at: n.read_at });
        break;
      }
      case 'archive': {
        const n = await api('PATCH', path, { status: 'archived' });
        onStatus({ id, status: n.status, read_at: n.read_at });
        break;
      }
      case 'delete':
        await api('DELETE', path);
        onDeleted(id);
        break;
      default:
        return;
    }
    refreshUnread();
  } catch (e) {
    say(e.status === 404 ? 'This notification no longer exists.' : `Could not do that: ${e.message}`);
    if (e.status === 404) {
      onDeleted(id);
    }
  } finally {
    button.disabled = false;
  }
}

function connect(from) {
  const url = `/api/notifications/stream${from ? `?last_event_id=${encodeURIComponent(from)}` : ''}`;
  const source = new EventSource(url);
  let lastId = from;
  const track = (handler) => (event) => {
    if (event.lastEventId) {
      lastId = event.lastEventId;
    }
    handler(JSON.parse(event.data));
    refreshUnread();
  };
  source.addEventListener('open', () => setLive('live', 'Live'));
  source.addEventListener('notification', track(onCreated));
  source.addEventListener('status_change', track(onStatus));
  source.addEventListener('deleted', track((d) => onDeleted(d.id)));
  // What this page missed can no longer be replayed: start over from a fresh list.
  source.addEventListener('reset', () => window.location.reload());
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CONNECTING) {
      // The browser reconnects by itself and sends Last-Event-ID, so nothing is lost.
      setLive('reconnecting', 'Reconnecting…');
    } else {
      setLive('offline', 'Offline, retrying');
      source.close();
      setTimeout(() => connect(lastId), 5000);
    }
  });
}

if (list) {
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button) {
      act(button);
    }
  });
  document.querySelectorAll('#filters select').forEach((select) => {
    select.addEventListener('change', () => select.form.requestSubmit());
  });
  showTimes(document);
  setInterval(() => list.querySelectorAll('time.note-time').forEach(showTime), 60000);
  updateEmpty();
  connect(document.querySelector('meta[name="stream-from"]')?.getAttribute('content') ?? '');
}
