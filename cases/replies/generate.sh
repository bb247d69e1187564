#!/usr/bin/env bash
# Generates the reply cases: every FTP reply 421-553 in every command
# family where RFC 959 5.4 (RFC 3659 for SIZE, MDTM, MLSD) lets a command
# get it, plus 421 everywhere, each injected by the fault proxy; and
# multi-line replies whose body holds code-like lines (RFC 959 4.2).
#
# Each reply case expects +QFTP<CMD>: <err>,<reply> with <err> from the
# profile (err 614-629 pair with replies by wording, chapters 5 and 6),
# then checks the state after it: AT+QFTPSTAT shows 1 and the next
# command works, or, after 421 (closing control connection), shows 4 and
# the next command is refused.
#
#   generate.sh          rewrite the cases in this directory
#   generate.sh --check  exit 1 (and show the difference) when the files
#                        here differ from what this script writes
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

out=$here
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# RFC 959 4.2.1 wording of each reply.
text_of() {
  case $1 in
  421) echo "Service not available, closing control connection.";;
  425) echo "Can't open data connection.";;
  426) echo "Connection closed; transfer aborted.";;
  450) echo "Requested file action not taken. File unavailable.";;
  451) echo "Requested action aborted: local error in processing.";;
  452) echo "Requested action not taken. Insufficient storage space in system.";;
  500) echo "Syntax error, command unrecognized.";;
  501) echo "Syntax error in parameters or arguments.";;
  502) echo "Command not implemented.";;
  503) echo "Bad sequence of commands.";;
  504) echo "Command not implemented for that parameter.";;
  530) echo "Not logged in.";;
  532) echo "Need account for storing files.";;
  550) echo "Requested action not taken. File unavailable.";;
  551) echo "Requested action aborted: page type unknown.";;
  552) echo "Requested file action aborted. Exceeded storage allocation.";;
  553) echo "Requested action not taken. File name not allowed.";;
  *) echo "no text for $1" >&2; exit 2;;
  esac
}

# family | FTP command | note section | replies as the first answer |
# replies after a 150 (transfer commands: RFC 959 5.4 "125, 150 ->
# 425, 426, 451" and for STOR also 551, 552; ids <cmd>-150-<code>).
# 425 also comes first: servers that cannot open the data connection
# answer it instead of the 150 (vsftpd).
# CWD keeps every code 421-553 (one command through the whole mapping).
table='
login|greeting|2.2|421|
login|USER|2.2|421 500 501 530|
login|PASS|2.2|421 500 501 503 530|
directory|CWD|2.3|421 425 426 450 451 452 500 501 502 503 504 530 532 550 551 552 553|
directory|PWD|2.4|421 500 501 502 550|
directory|MKD|2.9|421 500 501 502 530 550|
directory|RMD|2.10|421 500 501 502 530 550|
file|SIZE|2.7|421 500 501 502 530 550|
file|DELE|2.8|421 450 500 501 502 530 550|
file|RNFR|2.15|421 450 500 501 502 530 550|
file|RNTO|2.15|421 500 501 502 503 530 532 553|
file|MDTM|2.14|421 500 501 502 530 550|
transfer|TYPE|2.6|421 500 501 504 530|
transfer|PASV|2.6|421 500 501 502 530|
transfer|PORT|2.6|421 500 501 530|
transfer|REST|2.6|421 500 501 502 530|
transfer|RETR|2.6|421 425 450 500 501 530 550|425 426 451
transfer|STOR|2.5|421 425 450 452 500 501 530 532 553|425 426 451 551 552
listing|LIST|2.11|421 425 450 500 501 502 530|425 426 451
listing|NLST|2.12|421 425 450 500 501 502 530|425 426 451
listing|MLSD|2.13|421 425 450 500 501 502 530 550|425 426 451
'

lc() { echo "$1" | tr 'A-Z' 'a-z'; }

# The AT command that makes the module send $1, and its URC name.
# Sets: at (the command), urc, setup (steps before it), files (server).
trigger() {
  setup=""
  after_login=""
  files=""
  case $1 in
  greeting | USER | PASS)
    at='AT+QFTPOPEN="${host}",${port}'; urc=+QFTPOPEN;;
  CWD) at='AT+QFTPCWD="sub"'; urc=+QFTPCWD
    files='    - { path: sub, dir: true }';;
  PWD) at='AT+QFTPPWD'; urc=+QFTPPWD;;
  MKD) at='AT+QFTPMKDIR="newdir"'; urc=+QFTPMKDIR;;
  RMD) at='AT+QFTPRMDIR="sub"'; urc=+QFTPRMDIR
    files='    - { path: sub, dir: true }';;
  SIZE) at='AT+QFTPSIZE="a.txt"'; urc=+QFTPSIZE;;
  DELE) at='AT+QFTPDEL="a.txt"'; urc=+QFTPDEL;;
  RNFR | RNTO) at='AT+QFTPRENAME="a.txt","b.txt"'; urc=+QFTPRENAME;;
  MDTM) at='AT+QFTPMDTM="a.txt"'; urc=+QFTPMDTM;;
  TYPE | PASV | RETR) at='AT+QFTPGET="f.bin","UFS:r.bin"'; urc=+QFTPGET;;
  PORT) at='AT+QFTPGET="f.bin","UFS:r.bin"'; urc=+QFTPGET
    after_login='  - send: AT+QFTPCFG="transmode",0
  - expect: OK
';;
  REST) at='AT+QFTPGET="f.bin","UFS:r.bin",10'; urc=+QFTPGET;;
  STOR) at='AT+QFTPPUT="u.bin","UFS:u.bin"'; urc=+QFTPPUT
    setup='  - send: AT+QFUPL="UFS:u.bin",10,5
  - expect: CONNECT
  - send_data: { size: 10, seed: 3 }
  - expect_match: '"'"'^\+QFUPL: 10,[0-9a-f]+$'"'"'
  - expect: OK
';;
  LIST) at='AT+QFTPLIST=".","UFS:l.txt"'; urc=+QFTPLIST;;
  NLST) at='AT+QFTPNLST=".","UFS:l.txt"'; urc=+QFTPNLST;;
  MLSD) at='AT+QFTPMLSD=".","UFS:l.txt"'; urc=+QFTPMLSD;;
  *) echo "no trigger for $1" >&2; exit 2;;
  esac
  case $1 in
  SIZE | DELE | RNFR | RNTO | MDTM) files='    - { path: a.txt, text: "a\n" }';;
  TYPE | PASV | PORT | REST | RETR) files='    - { path: f.bin, size: 100, seed: 5 }';;
  esac
}

# Login steps up to AT+QFTPOPEN's OK (cases/_fragments/login.yaml without
# the wait for +QFTPOPEN: 0,0).
open_steps='  - use: pdp
  - send: AT+QFTPCFG="account","${user}","${pass}"
  - expect: OK
  - send: AT+QFTPCFG="filetype",0
  - expect: OK
  - send: AT+QFTPCFG="transmode",1
  - expect: OK
  - send: AT+QFTPCFG="rsptimeout",90
  - expect: OK
  - send: AT+QFTPOPEN="${host}",${port}
  - expect: OK
'

# The state after the URC: $1 is "open" (the session goes on) or "gone".
after_steps() {
  if [ "$1" = open ]; then
    cat <<'EOF'
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: "+QFTPSTAT: 0,1"
  - send: AT+QFTPPWD
  - expect: OK
  - wait_for: "+QFTPPWD: 0,${profile.pwd_quote}/${profile.pwd_quote}"
EOF
  else
    cat <<'EOF'
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: "+QFTPSTAT: 0,4"
  - send: AT+QFTPPWD
  - expect_match: '^\+CME ERROR: [0-9]+$'
EOF
  fi
}

# One reply case: family cmd section code [prelim].
reply_case() {
  local fam=$1 cmd=$2 sec=$3 code=$4 pre=${5:-}
  local c; c=$(lc "$cmd")
  local name="$c-$code"
  [ -n "$pre" ] && name="$c-150-$code"
  local id="replies.$name"
  local text; text=$(text_of "$code")
  trigger "$cmd"
  local inj="$code $text" how="to $cmd"
  if [ -n "$pre" ]; then
    inj="150 Opening data connection.\\n$code $text"
    how="to $cmd after its 150"
  fi
  [ "$cmd" = greeting ] && how="as the greeting"
  local state=open
  case $fam in login) state=gone;; esac
  [ "$code" = 421 ] && state=gone
  local tags="replies, faults, reply:$code, family:$fam, cmd:$c"
  [ -n "$pre" ] && tags="$tags, prelim:150"
  {
    echo "# Generated by generate.sh; edit that, not this."
    echo "id: $id"
    echo "title: \"Reply $code $how gives $urc: <err.$code>,$code; the session is $state after it\""
    echo "spec: \"$sec\""
    echo "tags: [$tags]"
    if [ -n "$files" ]; then
      echo "server:"
      echo "  files:"
      echo "$files"
    fi
    echo "faults:"
    echo "  - { reply: \"$inj\", on: $([ "$cmd" = greeting ] && echo greeting || echo "$cmd") }"
    echo "steps:"
    case $fam in
    login)
      printf '%s' "$open_steps"
      ;;
    *)
      printf '%s' "$setup"
      echo "  - use: login"
      printf '%s' "$after_login"
      echo "  - send: $at"
      echo "  - expect: OK"
      ;;
    esac
    echo "  - wait_for: \"$urc: \${profile.err.$code},$code\""
    after_steps "$state"
    # A refused login step is the last one the module sends.
    case $cmd in
    greeting) printf 'wire:\n  forbidden: ["USER *"]\n';;
    USER) printf 'wire:\n  forbidden: ["PASS *"]\n';;
    esac
  } > "$out/$name.yaml"
}

rm -f "$out"/*.yaml
echo "$table" | while IFS='|' read -r fam cmd sec first after; do
  [ -z "$fam" ] && continue
  for code in $first; do reply_case "$fam" "$cmd" "$sec" "$code"; done
  for code in $after; do reply_case "$fam" "$cmd" "$sec" "$code" 150; done
done

# ---- multi-line replies with code-like body lines (RFC 959 4.2) ----------
# Each body holds a line with another code and a space (a reader that
# takes it, or stops there, reports that code), then a "421 " line: a
# reader that stops early and keeps the first code is left with a 421,
# which closes the session or answers the next command, and the step
# after the result catches that.
# name | spec | on | reply | steps after login (or after OPEN's OK for the
# login ones) | title
multi() {
  local name=$1 sec=$2 on=$3 reply=$4 title=$5 steps=$6 files=${7:-}
  local fam code=${reply##*\\n}
  code=${code:0:3}
  case $on in greeting | PASS) fam=login;; CWD) fam=directory;;
  SIZE) fam=file;; *) fam=transfer;; esac
  {
    echo "# Generated by generate.sh; edit that, not this."
    echo "id: replies.multiline-$name"
    echo "title: \"$title\""
    echo "spec: \"$sec\""
    echo "tags: [replies, faults, multiline, reply:$code, family:$fam, cmd:$(lc "$on")]"
    if [ -n "$files" ]; then
      echo "server:"
      echo "  files:"
      echo "$files"
    fi
    echo "faults:"
    echo "  - { reply: \"$reply\", on: $on }"
    echo "steps:"
    printf '%s' "$steps"
  } > "$out/multiline-$name.yaml"
}

# After a login that must succeed: the session is in step with the server.
in_step='  - send: AT+QFTPPWD
  - expect: OK
  - wait_for: "+QFTPPWD: 0,${profile.pwd_quote}/${profile.pwd_quote}"
'

multi greeting 2.2 greeting \
  '220-Welcome\n200 This line is not the end\n421 Nor is this one\n 220 Indented, not the end\n220-Still the greeting\n220 Ready' \
  'A multi-line greeting whose body holds 200, 421 and 220 lines is read to its last 220 line' \
  "$open_steps  - wait_for: \"+QFTPOPEN: 0,0\"
$in_step"

multi greeting-421 2.2 greeting \
  '421-Going away\n220 Not a welcome\n421 Service not available, closing control connection.' \
  'A multi-line 421 greeting whose body holds a 220 line refuses the login with 421' \
  "$open_steps  - wait_for: \"+QFTPOPEN: \${profile.err.421},421\"
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: \"+QFTPSTAT: 0,4\"
wire:
  forbidden: [\"USER *\"]
"

# PASS never reaches the server here: the next command's real 530 shows
# the module reads the server's replies in step (not "230 Logged in").
multi pass-230 2.2 PASS \
  '230-Welcome aboard\n530 This line is not the end\n421 Nor is this one\n230 Logged in' \
  'A multi-line 230 to PASS whose body holds 530 and 421 lines logs in' \
  "$open_steps  - wait_for: \"+QFTPOPEN: 0,0\"
  - send: AT+QFTPPWD
  - expect: OK
  - wait_for: \"+QFTPPWD: \${profile.err.530},530\"
"

multi pass-530 2.2 PASS \
  '530-Login incorrect\n230 This line is not the end\n421 Nor is this one\n530 Login incorrect.' \
  'A multi-line 530 to PASS whose body holds 230 and 421 lines refuses the login with 530' \
  "$open_steps  - wait_for: \"+QFTPOPEN: \${profile.err.530},530\"
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: \"+QFTPSTAT: 0,4\"
"

multi cwd-250 2.3 CWD \
  '250-Directory changed\n550 This line is not the end\n421 Nor is this one\n250 Directory successfully changed.' \
  'A multi-line 250 to CWD whose body holds 550 and 421 lines is success, and the next reply is read in step' \
  "  - use: login
  - send: AT+QFTPCWD=\"sub\"
  - expect: OK
  - wait_for: \"+QFTPCWD: 0,0\"
$in_step" \
  '    - { path: sub, dir: true }'

multi cwd-550 2.3 CWD \
  '550-No such directory\n250 This line is not the end\n421 Nor is this one\n550 Failed to change directory.' \
  'A multi-line 550 to CWD whose body holds 250 and 421 lines is 550, and the next reply is read in step' \
  "  - use: login
  - send: AT+QFTPCWD=\"sub\"
  - expect: OK
  - wait_for: \"+QFTPCWD: \${profile.err.550},550\"
$in_step"

multi size-213 2.7 SIZE \
  '213-1234\n550 This line is not the end\n421 Nor is this one\n213 1234' \
  'A multi-line 213 to SIZE whose body holds 550 and 421 lines gives the size, and the next reply is read in step' \
  "  - use: login
  - send: AT+QFTPSIZE=\"a.txt\"
  - expect: OK
  - wait_for: \"+QFTPSIZE: 0,1234\"
$in_step" \
  '    - { path: a.txt, text: "a\n" }'

multi retr-550 2.6 RETR \
  '550-Failed to open file\n226 This line is not the end\n421 Nor is this one\n550 Failed to open file.' \
  'A multi-line 550 to RETR whose body holds 226 and 421 lines fails the download with 550' \
  "  - use: login
  - send: AT+QFTPGET=\"f.bin\",\"UFS:r.bin\"
  - expect: OK
  - wait_for: \"+QFTPGET: \${profile.err.550},550\"
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: \"+QFTPSTAT: 0,1\"
$in_step" \
  '    - { path: f.bin, size: 100, seed: 5 }'

multi retr-150-426 2.6 RETR \
  '150-Opening data connection\n426 This line is not the end\n421 Nor is this one\n150 Here it comes\n426-Connection closed\n226 This line is not the end\n421 Nor is this one\n426 Transfer aborted.' \
  'A multi-line 150 then a multi-line 426 to RETR, bodies holding the other code and 421, fail the download with 426' \
  "  - use: login
  - send: AT+QFTPGET=\"f.bin\",\"UFS:r.bin\"
  - expect: OK
  - wait_for: \"+QFTPGET: \${profile.err.426},426\"
  - send: AT+QFTPSTAT
  - expect: OK
  - expect: \"+QFTPSTAT: 0,1\"
$in_step" \
  '    - { path: f.bin, size: 100, seed: 5 }'

n=$(ls "$out"/*.yaml | wc -l)
if [ "$out" != "$here" ]; then
  if ! diff -r -q -x generate.sh "$here" "$out" >/dev/null; then
    echo "cases/replies is not what generate.sh writes; run it:" >&2
    diff -r -u -x generate.sh "$here" "$out" | head -40 >&2
    exit 1
  fi
  echo "cases/replies is up to date ($n cases)"
else
  echo "generated $n cases"
fi
