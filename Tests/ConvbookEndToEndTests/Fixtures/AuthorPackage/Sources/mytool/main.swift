import MyLib

print(triple(Int(CommandLine.arguments.dropFirst().first ?? "1") ?? 1))
