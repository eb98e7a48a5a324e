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

case $(kt_stage) in
1)
	rm -f /tmp/luo-ready
	# shellcheck disable=SC2046 # one argument per SPEC
	luo_agent preserve $(luo_specs luo) > /tmp/agent.log 2>&1 &
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
	kt_param luo_damage > /dev/null && KT_AFTER_LOAD=luo_damage
	kt_kexec "" "kt.luo= kt.luo_damage="
	;;
*)
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
	;;
esac
