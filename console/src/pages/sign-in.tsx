import { useState } from 'preact/hooks';
import { type Session, signIn } from '../session';
import { ErrorNote, useAction } from '../ui';

export function SignIn({ onSignedIn, initialError }: { onSignedIn: (s: Session) => void; initialError: unknown }) {
  const [key, setKey] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const session = await run(() => signIn(key.trim()));
    if (session) onSignedIn(session);
  };
  return (
    <main class="sign-in">
      <h1>tokengate console</h1>
      <form onSubmit={submit}>
        <label>API key
          <input type="password" name="apiKey" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <p class="hint">Kept in this browser tab only (sessionStorage) until you sign out or close the tab.</p>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <ErrorNote error={error ?? initialError} />
    </main>
  );
}
