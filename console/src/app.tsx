import { useEffect, useRef, useState } from 'preact/hooks';
import { type Session, signIn, signOut, storedKey } from './session';
import { href, useRoute } from './router';
import { SignIn } from './pages/sign-in';
import { Users, UserPage } from './pages/users';
import { Tokens } from './pages/tokens';
import { TokenPage } from './pages/token';
import { Import } from './pages/import';
import { Batch } from './pages/batch';
import { Devices, DevicePage } from './pages/devices';
import { ApiKeys } from './pages/api-keys';
import { Audit } from './pages/audit';

/** The sections, each shown only to a key with its scope. */
const SECTIONS = [
  { path: 'users', label: 'Users', scope: 'directory' },
  { path: 'tokens', label: 'Tokens', scope: 'token:read' },
  { path: 'import', label: 'Import', scope: 'token:write' },
  { path: 'batch', label: 'Batch assignment', scope: 'token:write' },
  { path: 'devices', label: 'Devices', scope: 'device' },
  { path: 'keys', label: 'API keys', scope: 'admin' },
  { path: 'audit', label: 'Audit log', scope: 'audit:read' },
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const key = storedKey();
    if (key) signIn(key).then(setSession, (err) => { signOut(); setError(err); }).finally(() => setRestoring(false));
  }, []);

  if (restoring) return <main><p>Signing in…</p></main>;
  if (!session) return <SignIn onSignedIn={setSession} initialError={error} />;
  return <Shell session={session} onSignOut={() => { signOut(); setSession(null); setError(null); location.hash = ''; }} />;
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const sections = SECTIONS.filter((s) => session.can(s.scope));
  const [section = sections[0]?.path, id] = route;
  const main = useRef<HTMLElement>(null);
  // a new page: move focus to its heading, so keyboard and screen-reader users start there
  useEffect(() => { main.current?.querySelector<HTMLElement>('h1')?.focus(); }, [route.join('/')]);
  const allowed = sections.some((s) => s.path === section);

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.querySelector<HTMLElement>('h1')?.focus(); }}>Skip to content</a>
      <header>
        <span class="brand">tokengate</span>
        <nav aria-label="Sections">
          <ul>{sections.map((s) => <li key={s.path}><a href={href(s.path)} aria-current={s.path === section ? 'page' : undefined}>{s.label}</a></li>)}</ul>
        </nav>
        <span class="who">Signed in as <strong>{session.who.name}</strong> <span class="scopes">({session.who.scopes.join(', ')})</span></span>
        <button type="button" onClick={onSignOut}>Sign out</button>
      </header>
      <main id="main" ref={main}>
        {!allowed ? <NotAllowed /> : <Page session={session} section={section!} id={id} />}
      </main>
    </>
  );
}

/** Each object's page is keyed by its id: going from one token to another starts afresh (no stale notices). */
function Page({ session, section, id }: { session: Session; section: string; id?: string }) {
  switch (section) {
    case 'users': return id ? <UserPage key={id} session={session} id={id} /> : <Users session={session} />;
    case 'tokens': return id ? <TokenPage key={id} session={session} id={id} /> : <Tokens session={session} />;
    case 'import': return <Import session={session} />;
    case 'batch': return <Batch session={session} />;
    case 'devices': return id ? <DevicePage key={id} session={session} uuid={id} /> : <Devices session={session} />;
    case 'keys': return <ApiKeys session={session} />;
    case 'audit': return <Audit session={session} />;
    default: return <NotAllowed />;
  }
}

function NotAllowed() {
  return (
    <>
      <h1 tabIndex={-1}>Nothing to show</h1>
      <p>This key's scopes do not reach this page. Pick a section above, or sign in with another key.</p>
    </>
  );
}
