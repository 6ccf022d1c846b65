import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { LinkPreview, Provisioning } from '../services/tokens/download-links';

/**
 * The end user's enrolment pages for GET/POST /download/<code> in a browser. Plain HTML,
 * no script at all; the one stylesheet is inline and allowed by its hash, so the
 * Content-Security-Policy can forbid every script, frame and foreign origin.
 */
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0;word-break:break-all}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f5fbf;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.qr{display:block;width:min(100%,16rem);height:auto;margin:1rem auto;image-rendering:pixelated}
.secret{font:1.2rem/1.6 ui-monospace,monospace;letter-spacing:.05em;word-spacing:.4em;background:#f4f5f7;padding:.5rem;border-radius:4px}
.warn{border-left:4px solid #c0392b;padding-left:.75rem}
@media (max-width:30rem){main{margin:0;border-radius:0;box-shadow:none}}
`;

export const ENROLLMENT_CSP = [
  "default-src 'none'", `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

/** Before the button: which account this link sets up. Nothing is spent until the POST. */
export function previewPage(preview: LinkPreview, action: string): string {
  return page('Set up your authenticator', `
<h1>Set up your authenticator</h1>
<p>This link adds a one-time password token to your authenticator app.</p>
<dl><dt>Service</dt><dd>${esc(preview.issuer)}</dd><dt>Account</dt><dd>${esc(preview.account)}</dd><dt>Token</dt><dd>${esc(preview.serial)}</dd></dl>
<p>The link works once. Open your authenticator app, then press the button: the QR code and the secret are shown a single time.</p>
<form method="post" action="${esc(action)}"><button type="submit">Show my QR code</button></form>`);
}

/** After the button: the link is spent; the QR code and the same secret for manual entry. */
export function provisioningPage(p: Provisioning): string {
  const uri = parseOtpauth(p.otpauthUri);
  const rows: [string, string][] = [
    ['Service (issuer)', uri.issuer], ['Account', uri.account], ['Type', uri.type], ['Algorithm', uri.algorithm],
    ['Digits', uri.digits], uri.type === 'TOTP' ? ['Period', `${uri.period} seconds`] : ['Counter', uri.counter],
  ];
  return page('Your authenticator token', `
<h1>Scan this QR code</h1>
<img class="qr" src="${esc(p.qrCode)}" alt="QR code for ${esc(uri.issuer)}: ${esc(uri.account)}" width="256" height="256">
<p>Or type the secret into your app by hand:</p>
<p class="secret" aria-label="secret key">${esc(groupsOfFour(uri.secret))}</p>
<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<p class="warn"><strong>This secret will not be shown again.</strong> The link is now used up; keep this page private and close it when your app shows the codes.</p>`);
}

/** A link that cannot be used: one clear sentence, and what to do next. */
export function unusablePage(reason: 'used-or-expired' | 'not-found' | 'confined' | 'error'): string {
  const text = {
    'used-or-expired': ['This link was already used or has expired', 'Each enrolment link works once and for a short time. Ask your helpdesk for a new link.'],
    'not-found': ['This link is not valid', 'Check that the whole link was copied, or ask your helpdesk for a new one.'],
    confined: ['This token cannot be downloaded', 'Your helpdesk has locked this token against downloads. Ask them for help.'],
    error: ['Something went wrong', 'Please try again in a moment. If it keeps happening, contact your helpdesk.'],
  }[reason];
  return page(text[0], `<h1>${esc(text[0])}</h1><p>${esc(text[1])}</p>`);
}

/** Sends an enrolment page with the headers every one of them needs. */
export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({
    'content-security-policy': ENROLLMENT_CSP,
    'referrer-policy': 'no-referrer', // the code is in the URL: no other site may see it
    'x-content-type-options': 'nosniff',
  }).type('html').send(html);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

interface OtpauthFields { type: string; issuer: string; account: string; secret: string; algorithm: string; digits: string; period: string; counter: string }

/** Back from the otpauth URI the payload already carries, so the page and the QR code cannot disagree. */
function parseOtpauth(uri: string): OtpauthFields {
  const url = new URL(uri);
  // split before decoding: a ':' inside the issuer or account is percent-encoded
  const [first, second] = url.pathname.slice(1).split(':');
  const q = url.searchParams;
  const account = decodeURIComponent(second ?? first);
  const issuer = q.get('issuer') ?? (second === undefined ? '' : decodeURIComponent(first));
  return {
    type: url.host.toUpperCase(), issuer, account,
    secret: q.get('secret') ?? '', algorithm: q.get('algorithm') ?? 'SHA1', digits: q.get('digits') ?? '6',
    period: q.get('period') ?? '30', counter: q.get('counter') ?? '0',
  };
}

const groupsOfFour = (base32: string) => base32.replace(/=+$/, '').match(/.{1,4}/g)?.join(' ') ?? '';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
