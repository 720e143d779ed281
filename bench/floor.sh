#!/usr/bin/env bash
# The floor of the benchmark: the same exchanges with the identity provider as one login, made by
# curl alone (discovery, authorization page, sign-in, token, keys), with no program around them.
# The callback itself is not requested: here nobody listens for it.
set -euo pipefail
issuer=${1:-http://127.0.0.1:18080/realms/ocs-pkce-demo}
verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk # RFC 7636 Appendix B
challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
redirect=http%3A%2F%2Flocalhost%3A5004%2Fcallback.html
curl -sf "$issuer/.well-known/openid-configuration" > /dev/null
callback=$(FOLLOW_CALLBACK=0 "$(dirname "$0")/curl-browser.sh" "$issuer/protocol/openid-connect/auth?response_type=code&client_id=ocs-pkce-login&redirect_uri=$redirect&scope=openid+ocsapi&state=floor&nonce=floor&code_challenge=$challenge&code_challenge_method=S256")
code=$(printf '%s' "$callback" | sed 's/.*[?&]code=\([^&]*\).*/\1/')
curl -sf "$issuer/protocol/openid-connect/token" -d grant_type=authorization_code -d client_id=ocs-pkce-login \
  -d code_verifier=$verifier --data-urlencode "code=$code" --data-urlencode redirect_uri=http://localhost:5004/callback.html \
  | grep -q access_token
curl -sf "$issuer/protocol/openid-connect/certs" > /dev/null
