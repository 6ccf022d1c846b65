import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (#/users/<id>): the server serves static files only, and a reload or a
 * bookmark lands on the same page. Only ids travel in the hash, never a key or a secret.
 */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const onChange = () => setParts(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
export const go = (...parts: string[]) => { location.hash = href(...parts); };
