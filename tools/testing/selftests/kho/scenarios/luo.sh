# SPDX-License-Identifier: GPL-2.0
#
# Live Update Orchestrator sessions across kexec, driven by /bin/luo_agent.
#
#   kt.luo=SPEC[/SPEC...]      stage 1 preserves these memfd sessions
#                              (luo_agent.c explains SPEC)
#   kt.luo_get=SPEC[/SPEC...]  stage 2 retrieves and checks these
#   kt.luo_missing=NAME[/...]  stage 2 expects ENOENT for these names
#   kt.luo_damage=WHAT[/WHAT]  stage 1 finalizes the handover after loading
#                              the next kernel, then writes each WHAT to
#                              out/corrupt
#   kt.stages=N                stages 2 to N-1 retrieve the kt.luo_get
#                              sessions, check them and preserve them again
#                              for the next kernel (default 2: no relay)
#
# Every KT line of the agent is passed on; stage 2 also says whether the
# preserved memory nobody retrieved is reported.
luo_specs() {
	kt_param "$1" | tr '/' ' '
}

luo_log_file() {
	local line
	while read -r line; do
		kt_log "${line#KT: }"
	done < "$1"
}

luo_damage() {
	local d=/sys/kernel/debug/kho/out what
	if ! echo 1 > $d/finalize; then
		kt_log "FAIL: finalize failed"
		return
	fi
	for what in $(luo_specs luo_damage); do
		if echo "$what" > $d/corrupt; then
			kt_log "corrupted the handover: $what"
		else
			kt_log "FAIL: out/corrupt refused $what"
		fi
	done
}

# Run the agent in the background until it has preserved its sessions.
luo_hold() {
	rm -f /tmp/luo-ready
	luo_agent "$@" > /tmp/agent.log 2>&1 &
	agent=$!
	n=0
	while [ ! -e /tmp/luo-ready ] && kill -0 $agent 2>/dev/null &&
	      [ $n -lt 600 ]; do
		sleep 0.2
		n=$((n + 1))
	done
	luo_log_file /tmp/agent.log
	if [ ! -e /tmp/luo-ready ]; then
		kt_log "FAIL: the agent did not preserve its sessions"
		kt_finish
	fi
}

stage=$(kt_stage)
if [ "$stage" = 1 ]; then
	# shellcheck disable=SC2046 # one argument per SPEC
	luo_hold preserve $(luo_specs luo)
	kt_param luo_damage > /dev/null && KT_AFTER_LOAD=luo_damage
	kt_kexec "" "kt.luo= kt.luo_damage="
elif [ "$stage" -lt "$(kt_param stages || echo 2)" ]; then
	# shellcheck disable=SC2046
	luo_hold relay $(luo_specs luo_get)
	kt_kexec ""
else
	if [ -n "$(kt_param luo_get)" ]; then
		# shellcheck disable=SC2046
		luo_agent retrieve $(luo_specs luo_get) > /tmp/agent.log 2>&1
		kt_log "agent retrieve exit code $?"
		luo_log_file /tmp/agent.log
	fi
	if [ -n "$(kt_param luo_missing)" ]; then
		# shellcheck disable=SC2046
		luo_agent missing $(luo_specs luo_missing) > /tmp/agent.log 2>&1
		kt_log "agent missing exit code $?"
		luo_log_file /tmp/agent.log
	fi
fi
