import { defineMethod } from '../../contract/method';
import { setToken } from '../../services/tokens/token-admin';
import { getTokenView } from '../../services/tokens/token-view';

export default defineMethod<'/token/set'>({
  name: '/token/set',
  scope: 'token:write',
  async handler({ db, params }) {
    await setToken(db, params.id, params.attrs);
    return getTokenView(db, params.id);
  },
});
