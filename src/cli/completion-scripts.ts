// Shell scripts printed by `kubectl configsync completion SHELL`. Each asks the CLI
// itself (`kubectl-configsync __complete WORDS…`), so contexts, namespaces and
// object names come from the same code kubectl's plugin completion uses.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function renderCompletionScript(shell: Shell, program = 'kubectl-configsync'): string {
  if (shell === 'fish') return fishScript(program);
  return shell === 'bash' ? bashScript(program) : zshScript(program);
}

function bashScript(program: string): string {
  return `# bash completion for ${program}
# Load it with: source <(${program} completion bash)
_kubectl_configsync() {
    local -a words=()
    local i w glue=0
    # bash splits "--context=a" and "a:b" at COMP_WORDBREAKS; join the pieces again.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w="\${COMP_WORDS[i]}"
        if [[ \${#words[@]} -gt 0 && ( "$w" == "=" || "$w" == ":" || $glue -eq 1 ) ]]; then
            words[\${#words[@]}-1]+="$w"
            [[ "$w" == "=" || "$w" == ":" ]] && glue=1 || glue=0
        else
            words+=("$w")
            glue=0
        fi
    done
    local cur="\${COMP_WORDS[COMP_CWORD]}"
    [[ "$cur" == "=" || "$cur" == ":" ]] && cur=""
    local joined="\${words[\${#words[@]}-1]}"
    local strip="\${joined:0:\${#joined}-\${#cur}}"
    local out
    out="$(${program} __complete "\${words[@]}" 2>/dev/null)" || return 0
    local directive="\${out##*:}"
    local -a candidates=()
    local line
    while IFS= read -r line; do
        [[ -z "$line" || "$line" == :* ]] && continue
        candidates+=("\${line#"$strip"}")
    done <<< "$out"
    COMPREPLY=("\${candidates[@]}")
    if (( directive & 2 )); then compopt -o nospace 2>/dev/null; fi
    if (( \${#COMPREPLY[@]} == 0 && !(directive & 4) )); then compopt -o default 2>/dev/null; fi
    return 0
}
complete -o nosort -F _kubectl_configsync ${program} 2>/dev/null || complete -F _kubectl_configsync ${program}
`;
}

function zshScript(program: string): string {
  return `#compdef ${program}
# zsh completion for ${program}
# Load it with: source <(${program} completion zsh)   (after compinit)
_kubectl_configsync() {
    local out directive
    local -a lines candidates
    out="$(${program} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)" || return 1
    lines=("\${(@f)out}")
    directive="\${lines[-1]#:}"
    candidates=("\${(@)lines[1,-2]}")
    candidates=("\${(@)candidates:#}")
    if (( \${#candidates} == 0 )); then
        (( directive & 4 )) || _files
        return
    fi
    if (( directive & 2 )); then
        compadd -Q -S '' -- "\${candidates[@]}"
    else
        compadd -Q -- "\${candidates[@]}"
    fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
    _kubectl_configsync "$@"
else
    compdef _kubectl_configsync ${program}
fi
`;
}

function fishScript(program: string): string {
  return `# fish completion for ${program}
# Load it with: ${program} completion fish | source
# or save it:   ${program} completion fish > ~/.config/fish/completions/${program}.fish
function __kubectl_configsync_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l out (${program} __complete $words "$current" 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -l found 0
    for line in $out
        string match -q -- ':*' $line; and continue
        test -n "$line"; or continue
        echo $line
        set found 1
    end
    # Cobra's directive 4: no file names when nothing matched.
    if test $found -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $current
    end
end
complete -c ${program} -f -a '(__kubectl_configsync_complete)'
`;
}

/** The executable kubectl (1.26 and later) runs to complete `kubectl configsync …`. */
export function renderKubectlCompleteScript(program = 'kubectl-configsync'): string {
  return `#!/bin/sh
# kubectl runs kubectl_complete-configsync to complete "kubectl configsync ...".
exec ${program} __complete "$@"
`;
}
