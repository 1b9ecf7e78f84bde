from smart360_infra.synth import main

main()
