#!/usr/bin/env bash
# A scripted, non-interactive "browser" for the benchmark (use it as $BROWSER): given the
# authorization URL, it signs in on the local Keycloak's login form with curl and then follows
# the redirect to the login's callback, as a person in a browser would. Like a browser launcher
# (xdg-open), it returns at once and does its work in the background.
# The user comes from KC_USER / KC_PASSWORD (default: the demo user of keycloak/demo.ini).
# With FOLLOW_CALLBACK=0 it prints the callback URL instead of requesting it, and does not detach
# (for the floor).
set -euo pipefail
url=$1
if [[ $url == file://* ]]; then # the tool's launch page: follow its link, as a browser would
  url=$(grep -o 'id="go" href="[^"]*"' "${url#file://}" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
fi
sign_in() {
  local jar page action callback
  jar=$(mktemp)
  trap 'rm -f "$jar"' RETURN
  page=$(curl -sfL -c "$jar" -b "$jar" "$url") # -L: after a pushed request, Keycloak redirects to its login page
  action=$(printf '%s' "$page" | grep -o 'id="kc-form-login"[^>]*action="[^"]*"' | sed 's/.*action="//; s/"$//; s/&amp;/\&/g')
  callback=$(curl -sf -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "username=${KC_USER:-demo}" --data-urlencode "password=${KC_PASSWORD:-demo-password}" "$action")
  if [ "${FOLLOW_CALLBACK:-1}" = 1 ]; then
    curl -sf -o /dev/null "$callback"
  else
    printf '%s\n' "$callback"
  fi
}
if [ "${FOLLOW_CALLBACK:-1}" = 1 ]; then
  sign_in < /dev/null > /dev/null 2>&1 &
else
  sign_in
fi
