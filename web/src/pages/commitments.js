// Stakeholders' commitments: a board by state (overdue marked), stakeholders, a commitment's history,
// making a transition (with the version check) and logging an action.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { date, dateTime, idr, localDay } from '../format.js';
import { can } from '../session.js';
import { Badge, Button, Input, Loading, PageTitle, Problem, Select, Shown, TableWrap, Textarea, useAction, useDone, useIdempotentPost, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);
const STATES = ['proposed', 'committed', 'in_progress', 'fulfilled', 'lapsed', 'withdrawn'];
const NEXT = { proposed: ['committed', 'withdrawn'], committed: ['in_progress', 'fulfilled', 'lapsed', 'withdrawn'], in_progress: ['fulfilled', 'lapsed'] };
const STAKEHOLDER_KINDS = ['village_head', 'regent', 'dprd', 'bappeda', 'government_office', 'private_sector', 'community', 'ngo', 'school', 'religious', 'other'];
const COMMITMENT_KINDS = ['budget', 'policy', 'facility', 'staff', 'program', 'partnership', 'other'];
const ACTION_KINDS = ['meeting', 'audience', 'letter', 'presentation', 'visit', 'follow_up', 'other'];
const today = () => localDay();
const FINAL = ['fulfilled', 'lapsed', 'withdrawn'];
/** Open and past its due date: overdue now (the API's flag follows at the daily reminder run, up to a day later). */
const isOverdue = (c) => c.overdue || (!FINAL.includes(c.status) && Boolean(c.due_date) && c.due_date < today());
const opts = (prefix, values) => values.map((v) => [v, t(`${prefix}.${v}`)]);
const orNull = (v) => (v === '' ? null : v);

/** A stakeholder as a choice names it: two of the same name are told apart by position and office. */
const stakeholderName = (s) => [s.name, [s.position, s.organization].filter(Boolean).join(', ')].filter(Boolean).join(' — ');

/** A refused read of something the caller may not see (an operator, a regency-level stakeholder) as
 * nothing; any other failure stays one. */
const unlessHidden = (error) => (error.status === 403 || error.status === 404 ? null : Promise.reject(error));

function useForm(initial) {
  const [form, setForm] = useState(initial);
  return [form, (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value }), setForm];
}

function NewStakeholder({ onDone }) {
  const [form, set, reset] = useForm({ name: '', kind: 'village_head', organization: '', position: '' });
  const action = useAction();
  const post = useIdempotentPost();
  const submit = async (e) => {
    e.preventDefault();
    const body = { name: form.name, kind: form.kind, organization: orNull(form.organization), position: orNull(form.position) };
    if (await action.run(() => post('/v1/stakeholders', body))) { reset({ name: '', kind: 'village_head', organization: '', position: '' }); onDone(); }
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="new-sh"><h3 id="new-sh">${t('commitments.new_stakeholder')}</h3>
    <${Input} id="sh-name" label=${t('commitments.name')} value=${form.name} onInput=${set('name')} error=${action.field('name')} required />
    <${Select} id="sh-kind" label=${t('commitments.kind')} value=${form.kind} onChange=${set('kind')} options=${opts('stakeholder_kinds', STAKEHOLDER_KINDS)} error=${action.field('kind')} />
    <${Input} id="sh-org" label=${t('commitments.organization')} value=${form.organization} onInput=${set('organization')} error=${action.field('organization')} />
    <${Input} id="sh-position" label=${t('commitments.position')} value=${form.position} onInput=${set('position')} error=${action.field('position')} />
    <${Problem} error=${action.error} shown=${['name', 'kind', 'organization', 'position']} />
    <${Button} type="submit" busy=${action.busy}>${t('commitments.add_stakeholder')}</${Button}></form>`;
}

function NewCommitment({ stakeholders, onDone }) {
  const blank = { stakeholder_id: '', kind: 'budget', description: '', amount_idr: '', due_date: '' };
  const [form, set, reset] = useForm(blank);
  const action = useAction();
  const post = useIdempotentPost();
  // The list may grow while the form is half filled (a stakeholder added beside it): the choice is kept,
  // and until one is made the first stakeholder is the one shown and sent.
  const stakeholderId = stakeholders.some((s) => s.stakeholder_id === form.stakeholder_id) ? form.stakeholder_id : stakeholders[0]?.stakeholder_id || '';
  const submit = async (e) => {
    e.preventDefault();
    const body = { stakeholder_id: stakeholderId, kind: form.kind, description: form.description, due_date: form.due_date || null };
    if (form.amount_idr !== '') body.amount_idr = Number(form.amount_idr);
    if (await action.run(() => post('/v1/commitments', body))) { reset(blank); onDone(); }
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="new-c"><h3 id="new-c">${t('commitments.new_commitment')}</h3>
    <${Select} id="c-stakeholder" label=${t('commitments.stakeholder')} value=${stakeholderId} onChange=${set('stakeholder_id')} error=${action.field('stakeholder_id')}
      options=${stakeholders.map((s) => [s.stakeholder_id, stakeholderName(s)])} hint=${stakeholders.length ? null : t('commitments.stakeholder_first')} />
    <${Select} id="c-kind" label=${t('commitments.kind')} value=${form.kind} onChange=${set('kind')} options=${opts('commitment_kinds', COMMITMENT_KINDS)} error=${action.field('kind')} />
    <${Textarea} id="c-description" label=${t('commitments.description')} value=${form.description} onInput=${set('description')} error=${action.field('description')} required />
    <${Input} id="c-amount" type="number" min="1" inputmode="numeric" label=${t('commitments.amount')} value=${form.amount_idr} onInput=${set('amount_idr')} error=${action.field('amount_idr')} />
    <${Input} id="c-due" type="date" label=${t('commitments.due')} value=${form.due_date} onInput=${set('due_date')} error=${action.field('due_date')} required />
    <${Problem} error=${action.error} shown=${['stakeholder_id', 'kind', 'description', 'amount_idr', 'due_date']} />
    <${Button} type="submit" busy=${action.busy} disabled=${!stakeholders.length}>${t('commitments.add_commitment')}</${Button}></form>`;
}

function Board({ commitments, names }) {
  return html`<div class="board">${STATES.map((state) => {
    const items = commitments.filter((c) => c.status === state);
    return html`<section class="column" aria-labelledby=${`col-${state}`} data-state=${state}>
      <h3 id=${`col-${state}`}>${t(`states.${state}`)} <span class="muted">(${items.length})</span></h3>
      <ul>${items.map((c) => html`<li class=${`card commitment${isOverdue(c) ? ' overdue' : ''}`} data-id=${c.commitment_id}>
        <a href=${`#/commitments/${c.commitment_id}`}>${c.description}</a>
        <p class="muted">${names.get(c.stakeholder_id) || ''} · ${t(`commitment_kinds.${c.kind}`)}${c.amount_idr ? ` · ${idr(c.amount_idr)}` : ''}</p>
        <p>${t('commitments.due')}: ${date(c.due_date)} ${isOverdue(c) ? html`<${Badge} kind="danger">${t('commitments.overdue')}</${Badge}>` : ''}</p>
      </li>`)}</ul></section>`;
  })}</div>`;
}

function Transition({ item, onDone }) {
  const allowed = NEXT[item.status] || [];
  const [form, set] = useForm({ to: allowed[0] || '', note: '', realized_amount_idr: '' });
  const action = useAction();
  if (!allowed.length) return null;
  const submit = async (e) => {
    e.preventDefault();
    const body = { to: form.to, expected_version: item.version, note: orNull(form.note) };
    if (form.realized_amount_idr !== '') body.realized_amount_idr = Number(form.realized_amount_idr);
    if (await action.run(() => api.post(`/v1/commitments/${item.commitment_id}/transitions`, body))) onDone();
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="tr-title"><h3 id="tr-title">${t('commitments.move')}</h3>
    <${Select} id="tr-to" label=${t('commitments.to')} value=${form.to} onChange=${set('to')} options=${allowed.map((s) => [s, t(`states.${s}`)])} error=${action.field('to')} />
    ${form.to === 'fulfilled' && item.kind === 'budget' && html`<${Input} id="tr-realized" type="number" min="0" inputmode="numeric" label=${t('commitments.realized')}
      value=${form.realized_amount_idr} onInput=${set('realized_amount_idr')} error=${action.field('realized_amount_idr')} required />`}
    <${Textarea} id="tr-note" label=${t('commitments.note')} value=${form.note} onInput=${set('note')} error=${action.field('note')} />
    <${Problem} error=${action.error} shown=${['to', 'note', 'realized_amount_idr']} />
    <${Button} type="submit" busy=${action.busy}>${t('commitments.move_submit')}</${Button}></form>`;
}

function LogAction({ item, onDone }) {
  const [form, set, reset] = useForm({ date: today(), kind: 'meeting', note: '', next_step: '', next_step_due: '' });
  const action = useAction();
  const post = useIdempotentPost();
  const submit = async (e) => {
    e.preventDefault();
    const body = { date: form.date, kind: form.kind, note: form.note, next_step: orNull(form.next_step), next_step_due: orNull(form.next_step_due) };
    if (await action.run(() => post(`/v1/commitments/${item.commitment_id}/actions`, body))) { reset({ ...form, note: '', next_step: '', next_step_due: '' }); onDone(); }
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="ac-title"><h3 id="ac-title">${t('commitments.log_action')}</h3>
    <${Input} id="ac-date" type="date" label=${t('commitments.date')} value=${form.date} onInput=${set('date')} error=${action.field('date')} required />
    <${Select} id="ac-kind" label=${t('commitments.kind')} value=${form.kind} onChange=${set('kind')} options=${opts('action_kinds', ACTION_KINDS)} error=${action.field('kind')} />
    <${Textarea} id="ac-note" label=${t('commitments.note')} value=${form.note} onInput=${set('note')} error=${action.field('note')} required />
    <${Input} id="ac-next" label=${t('commitments.next_step')} value=${form.next_step} onInput=${set('next_step')} error=${action.field('next_step')} hint=${t('commitments.action_next_hint')} />
    <${Input} id="ac-next-due" type="date" label=${t('commitments.next_step_due')} value=${form.next_step_due} onInput=${set('next_step_due')} error=${action.field('next_step_due')} />
    <${Problem} error=${action.error} shown=${['date', 'kind', 'note', 'next_step', 'next_step_due']} />
    <${Button} type="submit" busy=${action.busy}>${t('commitments.log_submit')}</${Button}></form>`;
}

/** The commitment's own next step and its due date: what the daily reminders follow (an action's next step
 * stays in that action's history). */
function NextStep({ item, onDone }) {
  const [form, set] = useForm({ next_step: item.next_step || '', next_step_due: item.next_step_due || '' });
  const action = useAction();
  if (FINAL.includes(item.status)) return null;
  const submit = async (e) => {
    e.preventDefault();
    const body = { expected_version: item.version, next_step: orNull(form.next_step.trim()), next_step_due: orNull(form.next_step_due) };
    if (await action.run(() => api.patch(`/v1/commitments/${item.commitment_id}`, body))) onDone();
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="ns-title"><h3 id="ns-title">${t('commitments.next_title')}</h3>
    <p class="hint">${t('commitments.next_hint')}</p>
    <${Input} id="ns-step" label=${t('commitments.next_step')} value=${form.next_step} onInput=${set('next_step')} error=${action.field('next_step')} />
    <${Input} id="ns-due" type="date" label=${t('commitments.next_step_due')} value=${form.next_step_due} onInput=${set('next_step_due')} error=${action.field('next_step_due')} />
    <${Problem} error=${action.error} shown=${['next_step', 'next_step_due']} />
    <${Button} type="submit" busy=${action.busy}>${t('commitments.next_submit')}</${Button}></form>`;
}

/** Who made a commitment, where, for how much and by when: what the office is following up. */
function Facts({ c, stakeholder, villages }) {
  const village = c.village_code && villages.find((v) => v.village_code === c.village_code);
  const fact = (name, value) => html`<dt>${t(`commitments.${name}`)}</dt><dd data-fact=${name}>${value}</dd>`;
  return html`<dl class="facts" data-testid="commitment-facts">
    ${fact('stakeholder', stakeholder
      ? html`${stakeholderName(stakeholder)} <span class="muted">${t(`stakeholder_kinds.${stakeholder.kind}`)}</span>`
      : '–')}
    ${fact('village', c.village_code
      ? html`${village?.village_name || c.village_code}${village ? html` <span class="muted">${c.village_code}</span>` : ''}`
      : t('commitments.regency_level'))}
    ${c.amount_idr ? fact('pledged', idr(c.amount_idr)) : ''}
    ${c.realized_amount_idr !== null && c.realized_amount_idr !== undefined ? fact('realized_shown', idr(c.realized_amount_idr)) : ''}
    ${fact('due', date(c.due_date))}
    ${c.next_step ? fact('next_step', html`${c.next_step}${c.next_step_due ? ` (${date(c.next_step_due)})` : ''}`) : ''}
  </dl>`;
}

function Detail({ id, me }) {
  const state = useLoad(async () => {
    const c = await api.get(`/v1/commitments/${id}`);
    const [stakeholder, villages] = await Promise.all([
      api.get(`/v1/stakeholders/${c.stakeholder_id}`).catch(unlessHidden),
      c.village_code ? all('/v1/villages') : [],
    ]);
    return { c, stakeholder, villages };
  }, [id]);
  const [done, after] = useDone(state);
  if (state.loading && !state.data) return html`<${Loading} />`;
  if (state.error) return html`<${Problem} error=${state.error} onRetry=${state.reload} />`;
  const { c } = state.data;
  return html`<div><p><a href="#/commitments">← ${t('commitments.back')}</a></p>
    ${done && html`<${Shown} key=${`${done}-${c.version}-${c.actions.length}`} data-testid="commitment-done">
      <p>${t(`commitments.done.${done}`, { state: t(`states.${c.status}`) })}</p></${Shown}>`}
    <section class="card" aria-labelledby="c-title"><h2 id="c-title">${c.description}</h2>
      <p><${Badge} kind="state" data-testid="commitment-state">${t(`states.${c.status}`)}</${Badge}> ${isOverdue(c) ? html`<${Badge} kind="danger">${t('commitments.overdue')}</${Badge}>` : ''}
        · ${t(`commitment_kinds.${c.kind}`)} · v${c.version}</p>
      <${Facts} c=${c} stakeholder=${state.data.stakeholder} villages=${state.data.villages} /></section>
    ${can.manage(me) && html`<div class="grid two"><${Transition} key=${c.version} item=${c} onDone=${after('moved')} /><${LogAction} item=${c} onDone=${after('logged')} />
      <${NextStep} key=${`next-${c.version}`} item=${c} onDone=${after('next_step')} /></div>`}
    <div class="grid two">
      <section aria-labelledby="tr-list"><h3 id="tr-list">${t('commitments.transitions')}</h3><ol class="history">${c.transitions.map((x) => html`<li>
        <strong>${t(`states.${x.from_status}`)} → ${t(`states.${x.to_status}`)}</strong> · ${dateTime(x.at)}${x.note ? html`<br />${x.note}` : ''}</li>`)}</ol>
        ${c.transitions.length === 0 && html`<p class="muted">${t('commitments.no_transitions')}</p>`}</section>
      <section aria-labelledby="ac-list"><h3 id="ac-list">${t('commitments.actions')}</h3><ol class="history">${c.actions.map((a) => html`<li>
        <strong>${date(a.date)} · ${t(`action_kinds.${a.kind}`)}</strong><br />${a.note}${a.next_step ? html`<br /><span class="muted">${t('commitments.next_step')}: ${a.next_step} ${a.next_step_due ? `(${date(a.next_step_due)})` : ''}</span>` : ''}</li>`)}</ol>
        ${c.actions.length === 0 && html`<p class="muted">${t('commitments.no_actions')}</p>`}</section>
    </div></div>`;
}

export function Commitments({ me, arg }) {
  const state = useLoad(async () => {
    if (arg) return null; // one commitment's page reads what it shows (Detail), not the lists
    const [stakeholders, commitments] = await Promise.all([all('/v1/stakeholders'), all('/v1/commitments')]);
    return { stakeholders, commitments };
  }, [arg]);
  const names = new Map((state.data?.stakeholders || []).map((s) => [s.stakeholder_id, s.name]));
  if (arg) return html`<div class="page"><${PageTitle}>${t('commitments.title')}</${PageTitle}><${Detail} key=${arg} id=${arg} me=${me} /></div>`;
  return html`<div class="page">
    <${PageTitle}>${t('commitments.title')}</${PageTitle}>
    ${state.loading && html`<${Loading} />`}<${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`<${Board} commitments=${state.data.commitments} names=${names} />
      <section aria-labelledby="sh-title"><h2 id="sh-title">${t('commitments.stakeholders')}</h2>
        <${TableWrap}><table><thead><tr><th scope="col">${t('commitments.name')}</th><th scope="col">${t('commitments.kind')}</th><th scope="col">${t('commitments.organization')}</th><th scope="col">${t('commitments.position')}</th></tr></thead>
        <tbody>${state.data.stakeholders.length === 0 && html`<tr><td colspan="4">${t('commitments.no_stakeholders')}</td></tr>`}
        ${state.data.stakeholders.map((s) => html`<tr><td>${s.name}</td><td>${t(`stakeholder_kinds.${s.kind}`)}</td><td>${s.organization || '–'}</td><td>${s.position || '–'}</td></tr>`)}</tbody></table></${TableWrap}>
      </section>
      ${can.manage(me) && html`<div class="grid two"><${NewStakeholder} onDone=${state.reload} /><${NewCommitment} stakeholders=${state.data.stakeholders} onDone=${state.reload} /></div>`}`}
  </div>`;
}
